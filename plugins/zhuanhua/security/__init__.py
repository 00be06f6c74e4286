"""Security: the group roles and logins (county analysts see their county only) and the
personal-data key."""
