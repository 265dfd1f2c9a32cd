"""Every table of the status store, in one metadata that the migrations follow."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import registry
from sqlalchemy.orm.decl_api import DeclarativeMeta

mapper_registry = registry()


class Base(metaclass=DeclarativeMeta):
    """The declarative base: what `declarative_base()` returns, written as a class so type checkers see one."""

    __abstract__ = True
    registry = mapper_registry
    metadata = mapper_registry.metadata
    __init__ = mapper_registry.constructor


class Application(Base):
    """One application, as imported: the ID number only as keyed hash and masked form."""

    __tablename__ = "applications"

    application_no = Column(String(32), primary_key=True)
    id_hash = Column(String(64), nullable=False, index=True)
    id_masked = Column(String(18), nullable=False)
    name = Column(String(64), nullable=False)
    phone = Column(String(32))
    procedure_code = Column(String(40), nullable=False)
    status = Column(String(16), nullable=False)
    submitted_date = Column(Date, nullable=False)
    accepted_date = Column(Date)
    completed_date = Column(Date)
    missing_materials = Column(Text, nullable=False, default="")
    note = Column(Text, nullable=False, default="")
    updated_at = Column(DateTime(timezone=True), nullable=False)


class UnansweredQuestion(Base):
    """A question the assistant could not answer, kept (masked) for staff."""

    __tablename__ = "unanswered_questions"

    id = Column(Integer, primary_key=True, autoincrement=True)
    text = Column(Text, nullable=False)
    reason = Column(String(32), nullable=False)
    asked_at = Column(DateTime(timezone=True), nullable=False)


class StaffUser(Base):
    """A phone-line staff member or administrator."""

    __tablename__ = "staff_users"

    username = Column(String(32), primary_key=True)
    password_hash = Column(String(255), nullable=False)
    is_admin = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime(timezone=True), nullable=False)


class StaffSession(Base):
    """A signed-in console session; deleting the row ends it on every server."""

    __tablename__ = "staff_sessions"

    token_hash = Column(String(64), primary_key=True)
    username = Column(String(32), nullable=False, index=True)
    expires_at = Column(DateTime(timezone=True), nullable=False)


class AuditEntry(Base):
    """One staff action on applications or limits: who, when, what."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(32), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False)
    action = Column(String(32), nullable=False)
    subject = Column(String(64), nullable=False)
    records = Column(Text, nullable=False, default="")


class Failure(Base):
    """One failed attempt (a status look-up, a console login), counted within a time window."""

    __tablename__ = "failures"
    __table_args__ = (Index("ix_failures_subject", "purpose", "scope", "subject", "at"),)

    id = Column(Integer, primary_key=True, autoincrement=True)
    purpose = Column(String(16), nullable=False)
    scope = Column(String(16), nullable=False)
    subject = Column(String(160), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False)


class ChannelReply(Base):
    """The reply given to one channel message, so a retried message gets it again without a second turn."""

    __tablename__ = "channel_replies"

    message_key = Column(String(160), primary_key=True)
    reply = Column(Text)
    received_at = Column(DateTime(timezone=True), nullable=False, index=True)


class ChannelOptions(Base):
    """The numbered options last offered to a channel user, so that "1" picks the first on any server."""

    __tablename__ = "channel_options"

    user_key = Column(String(160), primary_key=True)
    payloads = Column(Text, nullable=False)
    updated_at = Column(DateTime(timezone=True), nullable=False)


class Turn(Base):
    """One reply that answered (or failed to answer) a question, for the review queue, ratings and the dashboard.

    The message is kept with ID numbers and names masked, and not at all for a status look-up (it is the person's
    identity); the conversation only as a keyed hash of its sender.
    """

    __tablename__ = "turns"

    id = Column(Integer, primary_key=True, autoincrement=True)
    key = Column(String(32), nullable=False, unique=True)  # the random handle a channel rates the reply by
    conversation = Column(String(32), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)
    channel = Column(String(16), nullable=False)
    message = Column(Text, nullable=False)
    intent = Column(String(40), nullable=False)
    confidence = Column(Float)
    kind = Column(String(32), nullable=False)  # the answer's kind (bot/answers/model.py Answer.kind)
    procedures = Column(String(400), nullable=False)  # procedure codes answered (or offered), comma-separated
    answered = Column(Boolean, nullable=False)
    clarification = Column(Boolean, nullable=False)
    resolved = Column(Boolean)  # a clarification: whether the next turn settled it; None while none came
    rateable = Column(Boolean, nullable=False)
    latency_ms = Column(Integer)
    rating = Column(String(16))  # useful | not_useful
    rating_reason = Column(String(16))  # off_point | wrong | unclear | other
    rated_at = Column(DateTime(timezone=True))


class Review(Base):
    """What staff said a wording from the review queue should have been; exported as a training example."""

    __tablename__ = "reviews"

    id = Column(Integer, primary_key=True, autoincrement=True)
    wording_hash = Column(String(64), nullable=False, unique=True)  # SHA-256 of the wording, one review each
    wording = Column(Text, nullable=False)  # the masked message, as asked
    label = Column(String(16), nullable=False)  # procedure | aspect | status | one_trip | out_of_scope | fine
    procedure = Column(String(40))
    aspect = Column(String(24))
    intent = Column(String(40))  # the Rasa intent the example trains; None for "fine"
    reviewed_by = Column(String(32), nullable=False)
    reviewed_at = Column(DateTime(timezone=True), nullable=False)
    trained = Column(Boolean, nullable=False)  # in the training data of the model built last
    not_trained_because = Column(String(120))  # why the export left it out (an evaluation question, a clash)
    model_right = Column(Boolean)  # whether the model checked last reads it as labelled; None: not checked
    checked_model = Column(String(64))  # which model that was (a fingerprint, or "live" for the serving one)
    checked_at = Column(DateTime(timezone=True))


class MessageCount(Base):
    """How many messages one sender or client sent in one window of time (the channels' rate limits)."""

    __tablename__ = "message_counts"

    subject = Column(String(160), primary_key=True)
    window = Column(Integer, primary_key=True)  # the window's number: its start in seconds // its length
    count = Column(Integer, nullable=False)
