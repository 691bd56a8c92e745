"""The appeal and activity enums of the contract as GraphQL enums, each value described with its
Chinese term first (``graph_schema.ENUM_ZH``, what the spreadsheets show), then in English."""

from __future__ import annotations

from graph_schema.contract import ActivityKind, AppealCategory, AppealSource, AppealStatus, Satisfaction
from resolvers.enums import graphql_enum, zh_values

_ENGLISH: dict[str, dict[str, str]] = {
    "AppealCategory": {
        "HOUSING_SAFETY": "housing safety (leaks, cracks, falling objects).",
        "SANITATION": "sanitation (rubbish, drains, pests).",
        "PROPERTY_SERVICE": "property services (the management company's work).",
        "ELDERLY_CARE": "care of the elderly.",
        "PARKING": "parking.",
        "NEIGHBOUR_DISPUTE": "a dispute between neighbours.",
        "PUBLIC_SAFETY": "public safety and order.",
        "FACILITIES": "repair of shared facilities (lifts, lights, pipes).",
        "OTHER": "anything else.",
    },
    "AppealSource": {
        "VANGUARD_VISIT": "raised on a vanguard member's visit (1+10+N).",
        "GRID_PATROL": "found on a grid worker's patrol.",
        "HOTLINE": "through the 12345 hotline.",
        "ROUNDTABLE": "raised at a roundtable meeting.",
        "WALK_IN": "brought to the community office in person.",
        "ONLINE": "sent online.",
    },
    "AppealStatus": {
        "REPORTED": "reported, waiting to be accepted (接).",
        "ACCEPTED": "accepted, waiting for a handler (派).",
        "ASSIGNED": "assigned to a handler who works on it (办).",
        "RESOLVED": "resolved by its handler, open to the resident's review (评).",
        "CLOSED": "closed and archived after resolution.",
        "REJECTED": "rejected: not for the network to handle (the reason is kept).",
    },
    "Satisfaction": {
        "SATISFIED": "satisfied.",
        "BASICALLY_SATISFIED": "basically satisfied.",
        "UNSATISFIED": "unsatisfied: the appeal goes back to its handler.",
    },
    "ActivityKind": {
        "ROUNDTABLE": "a roundtable meeting where residents, units and the party discuss appeals.",
        "MONTHLY_CONTACT": "a vanguard's monthly meeting with the party members they link (月联月访).",
        "BRANCH_MEETING": "a branch's regular meeting or party lesson (三会一课).",
        "VOLUNTEER_SERVICE": "volunteer service for residents.",
        "ALLIANCE_ACTIVITY": "an activity of a party-building alliance and its member units.",
        "SECRETARY_PROJECT_EVENT": "an event that advances a secretary project (书记项目).",
    },
}


graphql_enum(
    AppealCategory,
    "What a resident's appeal (诉求) is about (类别).",
    zh_values("AppealCategory", _ENGLISH["AppealCategory"]),
)
graphql_enum(
    AppealSource, "How an appeal reached the network (来源).", zh_values("AppealSource", _ENGLISH["AppealSource"])
)
graphql_enum(
    AppealStatus,
    "Where an appeal stands (状态) in 接、派、办、督、评: receive, dispatch, handle, supervise, evaluate.",
    zh_values("AppealStatus", _ENGLISH["AppealStatus"]),
)
graphql_enum(
    Satisfaction,
    "The resident's review of a resolved appeal (满意度).",
    zh_values("Satisfaction", _ENGLISH["Satisfaction"]),
)
graphql_enum(
    ActivityKind, "Kinds of activity and meeting (活动/会议).", zh_values("ActivityKind", _ENGLISH["ActivityKind"])
)

__all__ = ["ActivityKind", "AppealCategory", "AppealSource", "AppealStatus", "Satisfaction"]
