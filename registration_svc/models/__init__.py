"""ORM tables of the registration service, all in its own Postgres schema \"registration\"."""

from sqlalchemy.orm import DeclarativeBase

from shared.db import make_metadata
from shared.platform_tables import define_platform_tables

SCHEMA = "registration"
metadata = make_metadata(SCHEMA)
platform = define_platform_tables(metadata)


class Base(DeclarativeBase):
    """Declarative base bound to this service's schema."""

    metadata = metadata

# The service's own tables, imported last so that Alembic's metadata sees them.
from registration_svc.job_fair import models as job_fair  # noqa: E402, F401
from registration_svc.job_seeker import models as job_seeker  # noqa: E402, F401
from registration_svc.notification import models as notification  # noqa: E402, F401
from registration_svc.person import models as person  # noqa: E402, F401
from registration_svc.region import models as region  # noqa: E402, F401
from registration_svc.registration import models as registration  # noqa: E402, F401
from registration_svc.vacancy import models as vacancy  # noqa: E402, F401
from registration_svc.verification import models as verification  # noqa: E402, F401
