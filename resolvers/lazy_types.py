"""Lazy references to the node types that the feature modules point at each other with.

The node types live in modules that import one another's walks (an area lists its party
organizations, an organization the areas it governs), so a field names a type of another
module, or one defined further down its own, through ``strawberry.lazy``.  The references are
made here once and imported where they are used::

    from resolvers.lazy_types import GridT, PartyOrganizationT

A feature's own helper types (an appeal's filter, a member's points) stay lazy in the module
that uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from resolvers.alliances import Alliance, AllianceMember
    from resolvers.appeals.types import Activity, Appeal
    from resolvers.areas import Building, Community, Grid, Household, Street
    from resolvers.organization import PartyMember, PartyOrganization, VanguardStation
    from resolvers.work.types import SecretaryProject

_AREAS, _ORGANIZATION, _ALLIANCES = "resolvers.areas", "resolvers.organization", "resolvers.alliances"

StreetT = Annotated["Street", strawberry.lazy(_AREAS)]
CommunityT = Annotated["Community", strawberry.lazy(_AREAS)]
GridT = Annotated["Grid", strawberry.lazy(_AREAS)]
BuildingT = Annotated["Building", strawberry.lazy(_AREAS)]
HouseholdT = Annotated["Household", strawberry.lazy(_AREAS)]
PartyOrganizationT = Annotated["PartyOrganization", strawberry.lazy(_ORGANIZATION)]
PartyMemberT = Annotated["PartyMember", strawberry.lazy(_ORGANIZATION)]
VanguardStationT = Annotated["VanguardStation", strawberry.lazy(_ORGANIZATION)]
AllianceT = Annotated["Alliance", strawberry.lazy(_ALLIANCES)]
AllianceMemberT = Annotated["AllianceMember", strawberry.lazy(_ALLIANCES)]
AppealT = Annotated["Appeal", strawberry.lazy("resolvers.appeals.types")]
ActivityT = Annotated["Activity", strawberry.lazy("resolvers.appeals.types")]
SecretaryProjectT = Annotated["SecretaryProject", strawberry.lazy("resolvers.work.types")]
