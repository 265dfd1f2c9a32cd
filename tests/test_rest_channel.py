"""The REST channel's client key: the caller's address, or the relayed browser address only from the relay."""

from __future__ import annotations

from rasa_ext.rest import CLIENT_HEADER, RELAY_SECRET_HEADER, request_client


def test_the_relay_is_trusted_only_with_the_shared_secret():
    relayed = {RELAY_SECRET_HEADER: "s3cret", CLIENT_HEADER: "203.0.113.9"}
    assert request_client(peer="127.0.0.1", headers=relayed, trusted_secret="s3cret") == "web:203.0.113.9"
    forged = {RELAY_SECRET_HEADER: "guess", CLIENT_HEADER: "203.0.113.9"}
    assert request_client(peer="198.51.100.7", headers=forged, trusted_secret="s3cret") == "rest:198.51.100.7"
    assert request_client(peer="198.51.100.7", headers={CLIENT_HEADER: "x"}, trusted_secret="") == "rest:198.51.100.7"
