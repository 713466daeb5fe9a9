"""ORM tables of the registration service, all in its own Postgres schema \"registration\"."""

# Every domain's tables, so that the metadata (Alembic, the drift test) sees them all.
from registration_svc.job_fair import models as job_fair  # noqa: F401
from registration_svc.job_seeker import models as job_seeker  # noqa: F401
from registration_svc.notification import models as notification  # noqa: F401
from registration_svc.orm import SCHEMA, Base, metadata, platform
from registration_svc.person import models as person  # noqa: F401
from registration_svc.region import models as region  # noqa: F401
from registration_svc.registration import models as registration  # noqa: F401
from registration_svc.vacancy import models as vacancy  # noqa: F401
from registration_svc.verification import models as verification  # noqa: F401

__all__ = ["SCHEMA", "Base", "metadata", "platform"]
