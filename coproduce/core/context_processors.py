from django.conf import settings


def site(request):
    return {
        "council_name": settings.COPRODUCE_COUNCIL_NAME,
        "demo_mode": settings.COPRODUCE_DEMO,
    }
