"""The monthly work (issue 15): secretary projects (书记项目), activities recorded with the points
they earn (积分), and the walks to them from members, organizations, areas and households; the
types, walks, listing and mutations one module each, as in :mod:`resolvers.appeals`."""
