"""status protocols: shipments, cancellations, status rules, the outbox and shared settings (issue 5)

Revision ID: 0003_status_protocols
Revises: 0002_order_search
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_status_protocols'
down_revision = '0002_order_search'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('settings',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_settings'))
    )
    op.create_table('status_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('status_type', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_rules')),
    sa.UniqueConstraint('channel', 'event', 'status_type', name='uq_status_rules_channel_event_type')
    )
    op.create_table('cancellations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_cancellations_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cancellations'))
    )
    with op.batch_alter_table('cancellations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cancellations_order_id'), ['order_id'], unique=False)

    op.create_table('shipments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('package_no', sa.Integer(), nullable=False),
    sa.Column('tracking_number', sa.String(length=100), nullable=False),
    sa.Column('carrier', sa.String(length=40), nullable=False),
    sa.Column('carrier_name', sa.String(length=100), nullable=False),
    sa.Column('ship_date', sa.DateTime(), nullable=False),
    sa.Column('return_tracking_number', sa.String(length=100), nullable=False),
    sa.Column('return_carrier', sa.String(length=40), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipments_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
    sa.UniqueConstraint('order_id', 'package_no', name='uq_shipments_order_package')
    )
    op.create_table('status_protocols',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('event', sa.String(length=30), nullable=False),
    sa.Column('status_type', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('wait_until', sa.DateTime(), nullable=True),
    sa.Column('claim_token', sa.String(length=40), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('sent_request', sa.Text(), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=True),
    sa.Column('verify_detail', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_status_protocols_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_status_protocols_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_protocols')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_status_protocols_dedupe_key'))
    )
    with op.batch_alter_table('status_protocols', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_protocols_order_id'), ['order_id'], unique=False)
        batch_op.create_index('ix_status_protocols_state_next_try', ['state', 'next_try_at'], unique=False)

    op.create_table('cancellation_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cancellation_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cancellation_id'], ['cancellations.id'], name=op.f('fk_cancellation_lines_cancellation_id_cancellations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cancellation_lines')),
    sa.UniqueConstraint('cancellation_id', 'line_id', name='uq_cancellation_lines_cancellation_line')
    )
    op.create_table('shipment_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shipment_id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.String(length=100), nullable=False),
    sa.Column('sku', sa.String(length=100), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['shipment_id'], ['shipments.id'], name=op.f('fk_shipment_lines_shipment_id_shipments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_lines')),
    sa.UniqueConstraint('shipment_id', 'line_id', name='uq_shipment_lines_shipment_line')
    )


def downgrade() -> None:
    op.drop_table('shipment_lines')
    op.drop_table('cancellation_lines')
    with op.batch_alter_table('status_protocols', schema=None) as batch_op:
        batch_op.drop_index('ix_status_protocols_state_next_try')
        batch_op.drop_index(batch_op.f('ix_status_protocols_order_id'))

    op.drop_table('status_protocols')
    op.drop_table('shipments')
    with op.batch_alter_table('cancellations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cancellations_order_id'))

    op.drop_table('cancellations')
    op.drop_table('status_rules')
    op.drop_table('settings')
