"""The roles of organizers' staff (light: the command line's parser names them without loading the models)."""

STAFF_ROLES = ("admin", "staff", "checkin", "viewer")
