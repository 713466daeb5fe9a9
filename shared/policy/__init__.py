"""Policy packs: per-jurisdiction policy parameters with effective dates and sources."""

from shared.policy.packs import (
    CITATION_NAMES,
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
    "CITATION_NAMES",
    "PARAMETER_NAMES",
    "ParameterNotInForceError",
    "ParameterValue",
    "PolicyPack",
    "PolicyPackError",
    "PolicyParameters",
    "PolicyRegistry",
    "default_registry",
]
