"""The OpenAPI 3.1 document of the decision API, written out by hand (``GET /openapi.json``)."""

from __future__ import annotations

from typing import Any

_ERROR = {"description": "Bad input: the CLI's one-line error",
          "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_POLICY = {
    "description": "A policy file's name in the served folder (without extension), or a policy given inline, "
    "checked as a file is (see `selector schema`).",
    "oneOf": [{"type": "string"}, {"type": "object"}],
}
_AS_OF = {"type": "string", "format": "date", "description": "Evaluation date (default: the knowledge base's own date)."}
_JSON = {"content": {"application/json": {"schema": {"type": "object"}}}}


def _ok(description: str, media: str = "application/json") -> dict[str, Any]:
    return {"description": description, "content": {media: {"schema": {"type": "object" if "json" in media else "string"}}}}


def openapi_document() -> dict[str, Any]:
    """The document: every endpoint, its body, its answers and its errors."""
    errors = {"400": _ERROR, "404": {**_ERROR, "description": "Unknown candidate or policy"},
              "413": {**_ERROR, "description": "Request body over 64 KiB"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "selector decision API", "version": "1",
                 "description": "Which LLM deployments a policy allows, with the same JSON as the selector CLI."},
        "paths": {
            "/v1/check": {"post": {
                "summary": "One deployment's decision: the JSON of `selector check --format json`",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["candidate", "policy"],
                    "properties": {"candidate": {"type": "string", "description": "MODEL@PROVIDER/DEPLOYMENT"},
                                   "policy": _POLICY, "as_of": _AS_OF}}}}},
                "responses": {"200": _ok("The decision"), **errors}}},
            "/v1/select": {"post": {
                "summary": "Every deployment's decision, ranked: the JSON of `selector select --format json`",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": False, "required": ["policy"],
                    "properties": {"policy": _POLICY, "as_of": _AS_OF,
                                   "allowed_only": {"type": "boolean", "default": False,
                                                    "description": "Leave denied decisions out (counts stay)."}}}}}},
                "responses": {"200": _ok("The report"), **errors}}},
            "/v1/explain/{candidate}": {"get": {
                "summary": "The whole trail, as `selector explain` prints it (format=json: the decision JSON)",
                "parameters": [
                    {"name": "candidate", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "policy", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "as_of", "in": "query", "schema": _AS_OF},
                    {"name": "format", "in": "query", "schema": {"enum": ["text", "json"], "default": "text"}},
                ],
                "responses": {"200": _ok("The trail", "text/plain"), **errors}}},
            "/v1/policies": {"get": {"summary": "The served policies' names, files and fingerprints, and the "
                                                "knowledge base's and rules' fingerprints",
                                     "responses": {"200": _ok("The served state")}}},
            "/v1/reload": {"post": {"summary": "Read the knowledge base, rules and policy folder again and swap them in "
                                               "whole (from this host only; SIGHUP does the same)",
                                    "responses": {"200": _ok("The new state"), "400": _ERROR,
                                                  "403": {**_ERROR, "description": "Not from this host"}}}},
            "/healthz": {"get": {"summary": "Liveness and what is served", "responses": {"200": _ok("Serving")}}},
        },
        "components": {"schemas": {"Error": {"type": "object", "required": ["error"],
                                             "properties": {"error": {"type": "string"}}}}},
    }
