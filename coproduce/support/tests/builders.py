from __future__ import annotations

from coproduce.support import services


def service(actor, **kw):
    defaults = dict(name="Payroll", category="payroll", summary="Monthly payroll and payslips", price_pence=1500,
                    price_unit="person-month", service_level="Payslips on the last working day of the month",
                    response_working_days=10)
    defaults.update(kw)
    return services.support_service_create(actor=actor, **defaults)
