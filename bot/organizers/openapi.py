"""The OpenAPI 3.1 document of the organizers' API (`/api/v1/openapi.json`): what it serves now."""

from __future__ import annotations

from typing import Any

from bot.organizers import queries

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
WHEN = {"type": ["string", "null"], "format": "date-time"}
ITEM = {"$ref": "#/components/schemas/Training"}
CODE = [{"name": "code", "in": "path", "required": True, "schema": TEXT}]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_INPUT = ("organizer", "seats_left", "registered")  # what a training's JSON has and its input has not


def _errors_ref() -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Errors"}}}}


def _training_properties() -> dict[str, Any]:
    return {
        "code": TEXT, "title": TEXT, "craft": TEXT, "organizer": TEXT, "province": TEXT, "regency": NULLABLE_TEXT,
        "venue": TEXT, "mode": {"type": "string", "enum": ["offline", "online", "hybrid"]},
        "starts_at": {"type": "string", "format": "date-time"}, "ends_at": {"type": "string", "format": "date-time"},
        "registration_deadline": WHEN, "quota": {"type": ["integer", "null"]}, "fee": {"type": "integer"},
        "confirm_days": {"type": ["integer", "null"], "minimum": 0, "maximum": 60,
                         "description": "registrants asked to confirm this many days before the start (null: 3)"},
        "contact": TEXT, "description": TEXT, "requirements": NULLABLE_TEXT,
        "status": {"type": "string", "enum": ["published", "cancelled"]},
        "seats_left": {"type": ["integer", "null"]}, "registered": {"type": "integer"},
    }


def _auth_errors() -> dict[str, Any]:
    return {"401": {"description": "missing or wrong token", **_errors_ref()},
            "403": {"description": "the token's role may not do this", **_errors_ref()}}


def _not_found() -> dict[str, Any]:
    return {"404": {"description": "no such training of this organizer", **_errors_ref()}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _listing(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": {"items": {"type": "array", "items": items}}}


def _training_paths() -> dict[str, Any]:
    errors, bad_input = _auth_errors(), {"description": "bad input, per field; nothing saved", **_errors_ref()}
    return {
        "/trainings": {
            "get": {"summary": "This organizer's trainings",
                    "responses": {"200": _json("the trainings", _listing(ITEM)), **errors}},
            "post": {"summary": "Create a training from the import columns (its organizer is the token's)",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "$ref": "#/components/schemas/TrainingInput"}}}},
                     "responses": {"201": _json("created", ITEM),
                                   "409": {"description": "the code exists", **_errors_ref()},
                                   "422": bad_input, **errors}},
        },
        "/trainings/{code}": {
            "get": {"summary": "One training", "parameters": CODE,
                    "responses": {"200": _json("the training", ITEM), **errors, **_not_found()}},
            "patch": {"summary": "Change some fields (registrants of a moved or cancelled training are told)",
                      "parameters": CODE, "requestBody": {"required": True, "content": {"application/json": {
                          "schema": {"$ref": "#/components/schemas/TrainingChanges"}}}},
                      "responses": {"200": _json("the changed training", ITEM), "422": bad_input,
                                    **errors, **_not_found()}},
        },
    }


def _registrant_paths() -> dict[str, Any]:
    errors, registration = _auth_errors(), {"$ref": "#/components/schemas/Registration"}
    return {
        "/trainings/{code}/registrations": {"get": {
            "summary": "The registrants of one training", "parameters": CODE + [
                {"name": name, "in": "query", "required": False, "schema": TEXT,
                 "description": f"only registrants with this {name}"} for name in queries.FILTERS],
            "responses": {"200": _json("the registrations", _listing(registration)), **errors, **_not_found()}}},
        "/trainings/{code}/checkins": {"post": {
            "summary": "Check a registrant in for today (the training's local day) by their ticket; a refused scan "
                       "is recorded with its reason",
            "parameters": CODE,
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["ticket"], "properties": {
                    "ticket": TEXT,
                    "client_id": {"type": "string", "maxLength": 64,
                                  "description": "the sender's own id of this scan: sent again, it is answered "
                                                 "as the first time and recorded once"},
                    "scanned_at": {"type": "string", "format": "date-time",
                                   "description": "when a queued scan was made (believed up to 12 hours back)"}}}}}},
            "responses": {
                "201": _json("checked in: the registration, with this check-in's checked_in_at and day",
                             registration),
                "409": {"description": "already checked in today: reason 'already', checked_in_at the first time",
                        **_errors_ref()},
                "422": {"description": "no ticket; or reason 'cancelled', 'waitlisted', 'not_today'",
                        **_errors_ref()},
                **errors, "404": {"description": "no such training, or reason 'unknown' / 'other_training'",
                                  **_errors_ref()}}}},
        "/trainings/{code}/attendance.xlsx": {"get": {
            "summary": "The attendance sheet: live registrants with their check-in times (training's local time)",
            "parameters": [*CODE, {"name": "lang", "in": "query", "required": False,
                                   "schema": {"type": "string", "enum": ["id", "en"]},
                                   "description": "the sheet's language (id by default)"}],
            "responses": {"200": {"description": "the XLSX workbook", "content": {XLSX: {"schema": {
                "type": "string", "contentMediaType": XLSX}}}}, **errors, **_not_found()}}},
    }


def _schemas() -> dict[str, Any]:
    properties = _training_properties()
    changeable = {k: v for k, v in properties.items() if k not in NOT_INPUT}
    return {
        "Training": {"type": "object", "properties": properties},
        "TrainingInput": {"type": "object", "required": [
            "code", "title", "craft", "province", "venue", "starts_at", "ends_at", "fee", "contact",
            "description"], "properties": changeable},
        "TrainingChanges": {"type": "object", "properties": dict(changeable)},
        "Registration": {"type": "object", "properties": {
            "id": {"type": "integer"}, "name": NULLABLE_TEXT, "phone": NULLABLE_TEXT,
            "regency": NULLABLE_TEXT, "craft": NULLABLE_TEXT,
            "status": {"type": "string", "enum": list(queries.STATUSES)}, "ticket": TEXT, "checked_in_at": WHEN}},
        "Errors": {"type": "object", "properties": {"errors": {"type": "array", "items": {
            "type": "object", "properties": {"field": NULLABLE_TEXT, "message": TEXT}}}}},
    }


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of what the API serves now."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Kriya organizers API", "version": "1"},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {**_training_paths(), **_registrant_paths()},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": _schemas()},
    }
