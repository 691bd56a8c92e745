"""Analytics fields: ``coverage``, ``allianceReach``, ``structure``, ``brokerage``, ``coveragePlan``, ``appealStats``.

Each takes an optional ``area`` (a global ID of a Street, Community, Grid or Building; the
city when omitted) and returns a typed result, plus ``details``: the complete JSON figures
that ``civicmesh analyze`` prints.  The figures come from the pure functions of
:mod:`analytics` over the store's projection (:mod:`resolvers.analytics.snapshot` keeps it
and the indexes built on it).  One module per feature, each with its result types and a
query class; :mod:`resolvers.analytics.query` composes them.
"""

from resolvers.analytics.query import AnalyticsQuery

__all__ = ["AnalyticsQuery"]
