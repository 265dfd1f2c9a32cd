"""Slot names shared by domain.yml and the actions (entity-filled slots share the entity names)."""

from bot.language import entities as e

CERTIFICATE = e.CERTIFICATE
MATTER = e.MATTER
ASPECT = e.ASPECT
VARIANT = e.VARIANT
FORM = e.FORM
CONTACT = e.CONTACT
PROCEDURE = "procedure"
OPTIONS = "options"
STATUS_RECORDS = "status_records"
MATTERS = "matters"
LAST_POLICY = "last_policy"
MATERIALS_NAMED = "materials_named"
MATERIALS_MISSING = "materials_missing"

ID_HASH = "id_hash"
ID_MASKED = "id_masked"
ID_PENDING = "id_pending"
APPLICANT_NAME = "applicant_name"
LOOKUP_MISSED = "lookup_missed"
STATUS_FOUND = "status_found"

TRIP_PROCEDURE = "trip_procedure"
TRIP_ANSWERED = "trip_answered"
TRIP_ASKED = "trip_asked"
TRIP_ASPECTS = "trip_aspects"
REQUESTED_SLOT = "requested_slot"

STATUS_FORM = "status_form"
ONE_TRIP_FORM = "one_trip_form"
