"""organizers' side: staff accounts, their credentials, the audit log, web secrets, check-ins; broadcasts get an
organizer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 13:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    _staff()
    _audit_secrets_checkins()


def _staff() -> None:
    """Staff accounts and their credentials."""
    op.create_table(
        'staff_accounts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('organizer_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=10), nullable=False),
        sa.Column('password_hash', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_staff_accounts_organizer_id_organizers'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_accounts')),
        sa.UniqueConstraint('email', name=op.f('uq_staff_accounts_email')),
    )
    op.create_index(op.f('ix_staff_accounts_organizer_id'), 'staff_accounts', ['organizer_id'], unique=False)
    op.create_table(
        'staff_credentials',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=80), nullable=True),
        sa.Column('csrf', sa.String(length=64), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_staff_credentials_staff_id_staff_accounts'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_credentials')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_staff_credentials_token_hash')),
    )
    op.create_index(op.f('ix_staff_credentials_staff_id'), 'staff_credentials', ['staff_id'], unique=False)


def _audit_secrets_checkins() -> None:
    """The audit log, web secrets, check-ins, broadcasts' organizer."""
    op.create_table(
        'audit_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('organizer_id', sa.Integer(), nullable=True),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('actor', sa.String(length=254), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('target', sa.String(length=120), nullable=True),
        sa.Column('ip', sa.String(length=45), nullable=True),
        sa.Column('detail', sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(['organizer_id'], ['organizers.id'], name=op.f('fk_audit_events_organizer_id_organizers'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_audit_events_staff_id_staff_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    )
    op.create_index('ix_audit_events_action_at', 'audit_events', ['action', 'created_at'], unique=False)
    op.create_index(op.f('ix_audit_events_organizer_id'), 'audit_events', ['organizer_id'], unique=False)
    op.create_table(
        'web_secrets',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('value', sa.String(length=128), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_web_secrets')),
    )
    op.create_table(
        'checkins',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=True),
        sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_checkins_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_accounts.id'], name=op.f('fk_checkins_staff_id_staff_accounts'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_checkins_registration_id')),
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organizer_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_broadcasts_organizer_id'), ['organizer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_broadcasts_organizer_id_organizers'), 'organizers',
                                    ['organizer_id'], ['id'], ondelete='SET NULL')


def downgrade() -> None:
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_broadcasts_organizer_id_organizers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_broadcasts_organizer_id'))
        batch_op.drop_column('organizer_id')
    op.drop_table('checkins')
    op.drop_table('web_secrets')
    op.drop_index(op.f('ix_audit_events_organizer_id'), table_name='audit_events')
    op.drop_index('ix_audit_events_action_at', table_name='audit_events')
    op.drop_table('audit_events')
    op.drop_index(op.f('ix_staff_credentials_staff_id'), table_name='staff_credentials')
    op.drop_table('staff_credentials')
    op.drop_index(op.f('ix_staff_accounts_organizer_id'), table_name='staff_accounts')
    op.drop_table('staff_accounts')
