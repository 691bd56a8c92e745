"""The "双强双优" star-rating assessments (考核) in GraphQL: the type, the walks from a branch, recording one."""
