#!/usr/bin/env python3
"""Writes N migration files per tool into DIR, for the lint benchmark.

    generate.py DIR [N]

DIR/sql/migrations/       N plain SQL migrations (the set squawk also lints)
DIR/alembic/versions/     N Alembic revisions, chained
DIR/shop/migrations/      N Django migrations of one app

The files mix what real migrations hold: new tables with indexes, seed rows, functions,
and about one unsafe change in four (a NOT NULL column without default, a blocking index,
a rename), so the linters have findings to report. Deterministic: same N, same files.
"""
import os
import random
import sys


def sql_migration(i, rng):
    t = f"t{i}"
    parts = []
    kind = i % 8
    if kind == 0:
        cols = ",\n    ".join(f"c{j} text" for j in range(8))
        parts.append(f"CREATE TABLE {t} (\n    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n    {cols},\n    created_at timestamptz NOT NULL DEFAULT now()\n);")
        parts.append(f"CREATE INDEX {t}_c0_idx ON {t} (c0);")
        parts.append(f"CREATE UNIQUE INDEX {t}_c1_key ON {t} (c1);")
    elif kind == 1:
        parts.append(f"ALTER TABLE users ADD COLUMN note_{i} text;")
        parts.append(f"COMMENT ON COLUMN users.note_{i} IS 'free text {i}';")
    elif kind == 2:
        parts.append(f"ALTER TABLE users ADD COLUMN tenant_{i} bigint NOT NULL;")
    elif kind == 3:
        parts.append(f"CREATE INDEX CONCURRENTLY orders_c{i}_idx ON orders (c{i});")
    elif kind == 4:
        parts.append(f"CREATE INDEX orders_d{i}_idx ON orders (d{i});")
    elif kind == 5:
        rows = ",\n  ".join(f"({rng.randint(1, 10**6)}, 'name-{i}-{j}', {rng.random():.4f})" for j in range(20))
        parts.append(f"INSERT INTO lookup_{i % 10} (id, name, weight) VALUES\n  {rows};")
    elif kind == 6:
        parts.append(f"""CREATE OR REPLACE FUNCTION touch_{i}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  IF NEW.status IS NULL THEN
    NEW.status := 'new';
  END IF;
  RETURN NEW;
END
$$;""")
        parts.append(f"CREATE TRIGGER touch_{i} BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch_{i}();")
    else:
        parts.append(f"ALTER TABLE orders RENAME COLUMN old_{i} TO new_{i};")
    header = f"-- Migration {i}: generated for the lint benchmark.\n"
    return header + "\n\n".join(parts) + "\n"


def alembic_revision(i):
    down = f'"{i - 1:012x}"' if i > 0 else "None"
    body = {
        0: f'''op.create_table(
        "t{i}",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()")),
    )
    op.create_index("ix_t{i}_name", "t{i}", ["name"])''',
        1: f'op.add_column("users", sa.Column("note_{i}", sa.Text(), nullable=True))',
        2: f'op.add_column("users", sa.Column("tenant_{i}", sa.BigInteger(), nullable=False))',
        3: f'''with op.get_context().autocommit_block():
        op.create_index("ix_orders_c{i}", "orders", ["c{i}"], postgresql_concurrently=True)''',
        4: f'op.execute("UPDATE users SET note_{i} = \'x\' WHERE note_{i} IS NULL")',
        5: f'op.alter_column("orders", "old_{i}", new_column_name="new_{i}")',
    }[i % 6]
    return f'''"""revision {i}

Revision ID: {i:012x}
Revises: {i - 1 if i else ""}
"""
from alembic import op
import sqlalchemy as sa

revision = "{i:012x}"
down_revision = {down}
branch_labels = None
depends_on = None


def upgrade() -> None:
    {body}


def downgrade() -> None:
    pass
'''


def django_migration(i):
    deps = f'[("shop", "{i - 1:04d}_m")]' if i > 0 else "[]"
    ops = {
        0: f'''migrations.CreateModel(
            name="M{i}",
            fields=[
                ("id", models.BigAutoField(primary_key=True)),
                ("title", models.CharField(max_length=100, null=True)),
                ("pages", models.IntegerField(default=0)),
            ],
        ),''',
        1: f'migrations.AddField(model_name="m{i - 1}", name="subtitle", field=models.CharField(max_length=50, null=True)),',
        2: f'migrations.AlterField(model_name="m{i - 2}", name="title", field=models.CharField(max_length=100)),',
        3: f'migrations.AddIndex(model_name="m{i - 3}", index=models.Index(fields=["title"], name="m{i}_title_idx")),',
        4: f'migrations.RunSQL("UPDATE shop_m{i - 4} SET pages = 1 WHERE pages = 0", reverse_sql=migrations.RunSQL.noop),',
    }[i % 5]
    return f'''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = {deps}

    operations = [
        {ops}
    ]
'''


def main():
    root = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rng = random.Random(42)
    dirs = {
        "sql": os.path.join(root, "sql", "migrations"),
        "alembic": os.path.join(root, "alembic", "versions"),
        "django": os.path.join(root, "shop", "migrations"),
    }
    for d in dirs.values():
        os.makedirs(d, exist_ok=True)
    for i in range(n):
        with open(os.path.join(dirs["sql"], f"{i:04d}_m.sql"), "w") as f:
            f.write(sql_migration(i, rng))
        with open(os.path.join(dirs["alembic"], f"{i:012x}_m.py"), "w") as f:
            f.write(alembic_revision(i))
        with open(os.path.join(dirs["django"], f"{i:04d}_m.py"), "w") as f:
            f.write(django_migration(i))


if __name__ == "__main__":
    main()
