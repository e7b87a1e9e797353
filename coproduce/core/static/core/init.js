import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
document.body.addEventListener('htmx:afterSwap', (event) => initAll({ scope: event.detail.target }))
