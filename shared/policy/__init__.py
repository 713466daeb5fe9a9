"""Policy packs: per-jurisdiction policy parameters with effective dates and sources."""

from shared.policy.packs import (
    PARAMETER_NAMES,
    ParameterNotInForceError,
    ParameterValue,
    PolicyPack,
    PolicyPackError,
    PolicyParameters,
    PolicyRegistry,
    default_registry,
)

__all__ = [
    "PARAMETER_NAMES",
    "ParameterNotInForceError",
    "ParameterValue",
    "PolicyPack",
    "PolicyPackError",
    "PolicyParameters",
    "PolicyRegistry",
    "default_registry",
]
