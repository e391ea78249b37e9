"""after a training: feedback and absence answers, certificates of attendance, the organizer's certificate rule

Revision ID: 0009_aftercare
Revises: 0008_confirm
Create Date: 2026-12-01 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009_aftercare'
down_revision = '0008_confirm'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('trainings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('certificate_days', sa.Integer(), nullable=True))
    op.create_table(
        'aftercare_answers',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('rating', sa.Integer(), nullable=True),
        sa.Column('reason', sa.String(length=12), nullable=True),
        sa.Column('comment', sa.Text(), nullable=True),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_aftercare_answers_artisan_id_artisans'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_aftercare_answers_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['training_id'], ['trainings.id'],
                                name=op.f('fk_aftercare_answers_training_id_trainings'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_aftercare_answers')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_aftercare_answers_registration_id')),
    )
    op.create_index(op.f('ix_aftercare_answers_training_id'), 'aftercare_answers', ['training_id'])
    op.create_index(op.f('ix_aftercare_answers_artisan_id'), 'aftercare_answers', ['artisan_id'])
    op.create_table(
        'certificates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=16), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('training_id', sa.Integer(), nullable=False),
        sa.Column('artisan_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('days_attended', sa.Integer(), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['artisan_id'], ['artisans.id'], name=op.f('fk_certificates_artisan_id_artisans'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_certificates_registration_id_registrations'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['training_id'], ['trainings.id'], name=op.f('fk_certificates_training_id_trainings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
        sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
        sa.UniqueConstraint('registration_id', name=op.f('uq_certificates_registration_id')),
    )
    op.create_index(op.f('ix_certificates_training_id'), 'certificates', ['training_id'])
    op.create_index(op.f('ix_certificates_artisan_id'), 'certificates', ['artisan_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_certificates_artisan_id'), table_name='certificates')
    op.drop_index(op.f('ix_certificates_training_id'), table_name='certificates')
    op.drop_table('certificates')
    op.drop_index(op.f('ix_aftercare_answers_artisan_id'), table_name='aftercare_answers')
    op.drop_index(op.f('ix_aftercare_answers_training_id'), table_name='aftercare_answers')
    op.drop_table('aftercare_answers')
    op.drop_column('trainings', 'certificate_days')  # not a batch copy: see 0008_confirm's downgrade
