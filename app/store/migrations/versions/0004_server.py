"""application server: API tokens, scheduled jobs, ERP export marks and applied ERP requests (issue 6)

Revision ID: 0004_server
Revises: 0003_status_protocols
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_server'
down_revision = '0003_status_protocols'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('name', name=op.f('uq_api_tokens_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    op.create_table('erp_requests',
    sa.Column('ref', sa.String(length=200), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('ref', name=op.f('pk_erp_requests'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('scope', sa.String(length=60), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('next_run_at', sa.DateTime(), nullable=False),
    sa.Column('last_started_at', sa.DateTime(), nullable=True),
    sa.Column('last_finished_at', sa.DateTime(), nullable=True),
    sa.Column('last_result', sa.String(length=20), nullable=True),
    sa.Column('last_summary', sa.Text(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('claim_token', sa.String(length=40), nullable=True),
    sa.Column('claimed_by', sa.String(length=200), nullable=False),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs')),
    sa.UniqueConstraint('kind', 'scope', name='uq_jobs_kind_scope')
    )
    op.create_table('erp_exports',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('exported_at', sa.DateTime(), nullable=False),
    sa.Column('exported_version', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_erp_exports_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_erp_exports'))
    )


def downgrade() -> None:
    op.drop_table('erp_exports')
    op.drop_table('jobs')
    op.drop_table('erp_requests')
    op.drop_table('api_tokens')
