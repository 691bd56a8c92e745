"""The people who work the grid (工作人员) and the guidance stations (基层党建工作指导站) in GraphQL."""
