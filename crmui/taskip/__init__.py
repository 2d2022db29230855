"""TaskIP public API client. Pure Python: no Django imports anywhere in this package."""
from .client import TaskipClient
from .errors import (
    AuthenticationError,
    BadRequest,
    Conflict,
    MalformedResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TaskipAPIError,
    TaskipConnectionError,
    TaskipError,
    TaskipTimeout,
    ValidationError,
    error_from_response,
)
from .resources import (
    Attribute,
    Billing,
    CallInfo,
    Company,
    CompanyRef,
    Contact,
    Image,
    Language,
    Lead,
    LeadFile,
    Note,
    Page,
    Person,
    RateLimit,
    Team,
    TeamMember,
)

__all__ = [
    "TaskipClient", "error_from_response",
    "TaskipError", "TaskipConnectionError", "TaskipTimeout", "MalformedResponse", "TaskipAPIError",
    "BadRequest", "AuthenticationError", "PermissionDenied", "NotFound", "Conflict", "ValidationError",
    "RateLimited", "ServerError",
    "Attribute", "Billing", "CallInfo", "Company", "CompanyRef", "Contact", "Image", "Language", "Lead",
    "LeadFile", "Note", "Page", "Person", "RateLimit", "Team", "TeamMember",
]
