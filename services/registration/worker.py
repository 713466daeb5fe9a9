"""arq worker of the registration service (run: arq services.registration.worker.WorkerSettings)."""

from collections.abc import Mapping

from registration_svc.config import Settings
from registration_svc.deregistration.tasks import deregistration_request_handler
from registration_svc.job_seeker import tasks as job_seeker_tasks
from registration_svc.job_seeker.tasks import flag_overdue_job_seeker_reviews
from registration_svc.models import platform
from registration_svc.notification.adapters import NotificationSender, configured_senders
from registration_svc.notification.decisions import decision_handlers
from registration_svc.notification.models import NotificationChannel
from registration_svc.notification.tasks import SenderOptions, sender_job
from registration_svc.registration.tasks import flag_overdue_decisions, stored_decision_deadlines
from registration_svc.vacancy import tasks as vacancy_tasks
from registration_svc.vacancy.tasks import close_expired_vacancies, flag_overdue_vacancy_reviews
from shared.calendar_store import calendar_year_handler
from shared.deadlines import deadline_redater
from shared.events import EventType
from shared.outbox import EventHandler
from shared.worker import WorkerContext, build_worker_settings


def event_handlers(wc: WorkerContext) -> Mapping[str, EventHandler]:
    """Returns the handlers of the events this service consumes."""
    return {
        EventType.CALENDAR_YEAR_REPLACED: calendar_year_handler(
            platform.calendar_year,
            deadline_redater(wc.clock, stored_decision_deadlines(wc.clock.zone),
                             job_seeker_tasks.stored_review_deadlines(), vacancy_tasks.stored_review_deadlines()),
        ),
        EventType.FOLLOWUP_DEREGISTRATION_REQUESTED: deregistration_request_handler(wc.policy, wc.clock),
        **decision_handlers(),
    }


def worker_settings(
    settings: Settings | None = None,
    *,
    senders: Mapping[NotificationChannel, NotificationSender] | None = None,
    run_relay: bool = True,
) -> type:
    """Returns the registration WorkerSettings; tests pass their settings and notification adapters.

    The adapters are those the settings choose. No SMS or WeChat gateway transport is installed here
    yet: a deployment that has one passes it to configured_senders, and choosing a gateway adapter
    without it stops the worker at start rather than logging messages it was told to send.
    """
    settings = settings or Settings()
    senders = senders if senders is not None else configured_senders(settings)
    # flag_overdue_decisions is enqueued daily by the scheduler (002 §七(一): overdue responses are reported);
    # send_pending_notifications every minute (registration_svc/notification/tasks.py says why).
    return build_worker_settings(
        "registration", platform, handlers=event_handlers,
        functions=[
            flag_overdue_decisions, flag_overdue_job_seeker_reviews, close_expired_vacancies,
            flag_overdue_vacancy_reviews,
            sender_job(senders, SenderOptions.from_settings(settings)),
        ],
        run_relay=run_relay, settings=settings,
    )


WorkerSettings = worker_settings()
