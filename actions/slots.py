"""Slot names shared by domain.yml and the actions."""

PROCEDURE = "procedure"
CERTIFICATE = "certificate"
MATTER = "matter"
ASPECT = "aspect"
OPTIONS = "options"
FLOW = "flow"
FLOW_STATE = "flow_state"

FLOW_STATUS = "status"
FLOW_ONE_TRIP = "onetrip"
