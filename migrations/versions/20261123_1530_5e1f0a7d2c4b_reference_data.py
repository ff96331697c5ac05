"""reference data: the 24 ERNs, the five Flemish networks, and which ERNs each follows

Revision ID: 5e1f0a7d2c4b
Revises: c0ba5e5ac1be
Created: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "5e1f0a7d2c4b"
down_revision = "c0ba5e5ac1be"
branch_labels = None
depends_on = None

ERNS = [
    ("BOND", "European Reference Network on bone disorders"),
    ("CRANIO", "European Reference Network on craniofacial anomalies and ENT disorders"),
    ("Endo-ERN", "European Reference Network on rare endocrine conditions"),
    ("EpiCARE", "European Reference Network on rare and complex epilepsies"),
    ("ERKNet", "European Reference Network on rare kidney diseases"),
    ("ERN-RND", "European Reference Network on rare neurological diseases"),
    (
        "ERNICA",
        "European Reference Network on rare inherited and congenital digestive and gastrointestinal anomalies",
    ),
    ("ERN-LUNG", "European Reference Network on rare respiratory diseases"),
    ("ERN-Skin", "European Reference Network on rare and undiagnosed skin disorders"),
    ("EURACAN", "European Reference Network on rare adult solid cancers"),
    ("EuroBloodNet", "European Reference Network on rare haematological diseases"),
    ("EURO-NMD", "European Reference Network on rare neuromuscular diseases"),
    ("ERN-EYE", "European Reference Network on rare eye diseases"),
    ("GENTURIS", "European Reference Network on genetic tumour risk syndromes"),
    ("GUARD-HEART", "European Reference Network on rare and complex diseases of the heart"),
    (
        "ITHACA",
        "European Reference Network on rare congenital malformations and rare intellectual disability",
    ),
    ("MetabERN", "European Reference Network on hereditary metabolic disorders"),
    ("PaedCan", "European Reference Network on paediatric cancer (haemato-oncology)"),
    ("RARE-LIVER", "European Reference Network on rare hepatological diseases"),
    (
        "ReCONNET",
        "European Reference Network on rare connective tissue and musculoskeletal diseases",
    ),
    (
        "RITA",
        "European Reference Network on rare immunodeficiency, autoinflammatory, autoimmune and pediatric rheumatic diseases",
    ),
    ("TRANSPLANT-CHILD", "European Reference Network on transplantation in children"),
    ("VASCERN", "European Reference Network on rare multisystemic vascular diseases"),
    ("eUROGEN", "European Reference Network on rare urogenital diseases and complex conditions"),
]

# The five networks of the Vlaams Netwerk Zeldzame Ziekten, and the ERNs whose guidelines each follows.
NETWORKS = [
    ("bindweefsel-musculoskeletaal", "Bindweefsel en musculoskeletaal", ["ReCONNET", "ERN-Skin"]),
    ("bot", "Bot", ["BOND"]),
    ("metabole-aandoeningen", "Metabole aandoeningen", ["MetabERN"]),
    (
        "multisysteem-vasculair-en-hart",
        "Multisysteem vasculair en hart",
        ["VASCERN", "GUARD-HEART"],
    ),
    ("neuromusculaire-aandoeningen", "Neuromusculaire aandoeningen", ["EURO-NMD"]),
]

erns = sa.table(
    "erns", sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("name", sa.String)
)
networks = sa.table(
    "networks",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("name", sa.String),
)
network_erns = sa.table(
    "network_erns", sa.column("network_id", sa.Integer), sa.column("ern_id", sa.Integer)
)


def upgrade():
    op.bulk_insert(
        erns, [{"id": i, "code": code, "name": name} for i, (code, name) in enumerate(ERNS, 1)]
    )
    op.bulk_insert(
        networks,
        [{"id": i, "code": code, "name": name} for i, (code, name, _) in enumerate(NETWORKS, 1)],
    )
    ern_ids = {code: i for i, (code, _name) in enumerate(ERNS, 1)}
    op.bulk_insert(
        network_erns,
        [
            {"network_id": i, "ern_id": ern_ids[code]}
            for i, (_code, _name, followed) in enumerate(NETWORKS, 1)
            for code in followed
        ],
    )
    if op.get_bind().dialect.name == "postgresql":
        # Explicit ids leave the sequences behind; move them past the rows just written.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('erns', 'id'), (SELECT max(id) FROM erns))"
        )
        op.execute(
            "SELECT setval(pg_get_serial_sequence('networks', 'id'), (SELECT max(id) FROM networks))"
        )


def downgrade():
    op.execute(network_erns.delete())
    op.execute(networks.delete())
    op.execute(erns.delete())
