//! Table definitions: ORM models per framework, and the schema that SQL migrations build.
//!
//! ORM models, read from the frameworks' real declarations:
//! - SQLAlchemy declarative classes (`__tablename__`, `mapped_column`/`Column`, mixins and
//!   abstract bases followed by name), Flask-SQLAlchemy `db.Model`, SQLModel `table=True`,
//!   Core `Table("name", metadata, Column(…))`;
//! - Django models (`models.Model` and abstract bases, `Meta.db_table`, `auto_now_add`/
//!   `auto_now`), Peewee and Tortoise models;
//! - TypeORM/MikroORM `@Entity` classes (`@CreateDateColumn`/`@UpdateDateColumn`),
//!   sequelize-typescript `@Table`, `sequelize.define`/`Model.init`, Prisma `model` blocks
//!   (`@default(now())`, `@updatedAt`, `@@map`), Drizzle `pgTable`;
//! - GORM structs (`gorm.Model`, tags, `TableName()`), bun `bun.BaseModel`, ent schemas;
//! - diesel `table!` and SeaORM entities;
//! - JPA `@Entity` classes in Java or Kotlin (`@Table(name)`, `@MappedSuperclass` bases,
//!   `@CreationTimestamp`/`@CreatedDate`, `@UpdateTimestamp`/`@LastModifiedDate`).
//!
//! The migration schema replays `CREATE TABLE`/`ALTER TABLE`/`DROP TABLE` statements of SQL
//! migrations (and SQL embedded in migration sources), Alembic `op.create_table`/`add_column`
//! and Knex `createTable`, in version order.

use rayon::prelude::*;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::{Code, Scope, Source, Syntax, close_bracket, is_generated_text, re};
use crate::repo::Repo;
use crate::rx::Words;

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// A foreign key (or a relation owning one).
    pub fk: bool,
    /// Set automatically on insert / on update by the framework.
    pub auto_created: bool,
    pub auto_updated: bool,
}

impl Column {
    fn new(name: &str) -> Column {
        Column {
            name: name.to_string(),
            fk: false,
            auto_created: false,
            auto_updated: false,
        }
    }
}

/// One table definition.
#[derive(Debug, Clone)]
pub struct Table {
    /// Normalised table name: lower-case, without schema or quotes.
    pub name: String,
    /// The class, struct or model that defines it (or the table name for SQL).
    pub model: String,
    /// The framework (`SQLAlchemy`, `Django`, `SQL migration`…).
    pub kind: &'static str,
    /// Repository-relative path and line of the definition.
    pub path: String,
    pub rel: String,
    pub line: u32,
    pub columns: Vec<Column>,
    /// The framework adds creation/update timestamps by itself (Sequelize `timestamps`).
    pub implicit_timestamps: bool,
}

const CREATED: &[&str] = &[
    "createdat",
    "created",
    "createdon",
    "createddate",
    "createdtime",
    "createtime",
    "creationdate",
    "creationtime",
    "datecreated",
    "insertedat",
    "insertdate",
    "createdts",
    "ctime",
    "timecreated",
    "createddatetime",
    "creationtimestamp",
    "createdtimestamp",
    "createdatetime",
    "insertedon",
];
const UPDATED: &[&str] = &[
    "updatedat",
    "updated",
    "updatedon",
    "updateddate",
    "updatedtime",
    "updatetime",
    "modified",
    "modifiedat",
    "modifiedon",
    "modifieddate",
    "modifiedtime",
    "lastmodified",
    "lastmodifiedat",
    "lastmodifieddate",
    "lastmodifiedtime",
    "lastupdated",
    "lastupdatedat",
    "datemodified",
    "dateupdated",
    "mtime",
    "timeupdated",
    "updatedts",
    "changedat",
    "lastchanged",
    "updateddatetime",
    "modifieddatetime",
    "lastmodifiedon",
    "lastupdatedon",
];

fn norm(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '-'], "")
}

impl Table {
    pub fn has_created(&self) -> bool {
        self.implicit_timestamps
            || self
                .columns
                .iter()
                .any(|c| c.auto_created || CREATED.contains(&norm(&c.name).as_str()))
    }

    pub fn has_updated(&self) -> bool {
        self.implicit_timestamps
            || self
                .columns
                .iter()
                .any(|c| c.auto_updated || UPDATED.contains(&norm(&c.name).as_str()))
    }

    /// A pure join table: two or more foreign keys and nothing else but an id and timestamps.
    pub fn is_join(&self) -> bool {
        let fk = self.columns.iter().filter(|c| c.is_fk_like()).count();
        fk >= 2
            && self.columns.iter().all(|c| {
                c.is_fk_like()
                    || norm(&c.name) == "id"
                    || CREATED.contains(&norm(&c.name).as_str())
                    || UPDATED.contains(&norm(&c.name).as_str())
            })
    }
}

impl Column {
    fn is_fk_like(&self) -> bool {
        self.fk || {
            let n = &self.name;
            (n.ends_with("_id") || n.ends_with("Id") || n.ends_with("ID")) && n.len() > 3
        }
    }
}

/// `CamelCase` → `camel_case`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_ascii_uppercase())) {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// GORM's and ent's default table name: snake case, plural.
fn plural(word: &str) -> String {
    if word.ends_with('s') || word.ends_with('x') || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else if let Some(stem) = word.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        format!("{stem}ies")
    } else {
        format!("{word}s")
    }
}

/// A table name as written (`"public"."Items"`, `` `items` ``, `[dbo].[items]`) normalised.
pub fn table_key(name: &str) -> String {
    let n = name
        .trim()
        .trim_matches(|c| matches!(c, '"' | '`' | '[' | ']' | '\''));
    let last = n
        .rsplit('.')
        .next()
        .unwrap_or(n)
        .trim_matches(|c| matches!(c, '"' | '`' | '[' | ']' | '\''));
    last.to_ascii_lowercase()
}

struct Ctx<'s> {
    sources: &'s [Source<'s>],
    codes: &'s [Code],
}

impl Ctx<'_> {
    fn table(&self, i: usize, model: &str, name: &str, kind: &'static str, at: usize) -> Table {
        Table {
            name: table_key(name),
            model: model.to_string(),
            kind,
            path: self.sources[i].path.to_string(),
            rel: self.sources[i].rel.to_string(),
            line: self.codes[i].line(at),
            columns: Vec::new(),
            implicit_timestamps: false,
        }
    }
}

/// ORM model definitions in the service's production code, in `scope`'s languages, plus
/// Prisma schemas.
pub fn orm_tables(repo: &Repo, scope: Scope) -> Vec<Table> {
    let sources: Vec<Source<'_>> = super::sources(repo, scope)
        .into_iter()
        // Generated code is not a definition, except diesel's schema.rs, which is the models.
        .filter(|s| {
            !in_migrations(s.rel) && (!is_generated_text(s.text) || s.text.contains("table!"))
        })
        .filter(|s| might_define_models(s))
        .collect();
    let codes: Vec<Code> = sources.par_iter().map(Source::masked).collect();
    let ctx = Ctx {
        sources: &sources,
        codes: &codes,
    };
    let mut out = Vec::new();
    python_models(&ctx, &mut out);
    js_models(&ctx, &mut out);
    go_models(&ctx, &mut out);
    rust_models(&ctx, &mut out);
    jvm_models(&ctx, &mut out);
    out.extend(prisma_models(repo));
    // Database catalogs mapped for queries are not the service's tables.
    out.retain(|t| {
        !(t.name.starts_with("pg_")
            || t.name.starts_with("sqlite_")
            || t.name == "information_schema")
    });
    out
}

/// A cheap test before masking a file: does it use an ORM's vocabulary? (Base classes and
/// mixins in other files use it too: `mapped_column`, `django.db`, `@MappedSuperclass`.)
fn might_define_models(s: &Source<'_>) -> bool {
    static PYTHON: Words = Words::new(&[
        "__tablename__",
        "django.db",
        "sqlmodel",
        "table=True",
        "Table(",
        "db.Model",
        "peewee",
        "tortoise",
        "mapped_column",
        "Column(",
        "declarative",
    ]);
    static JS: Words = Words::new(&[
        "@Entity", "@Table", "@Column", ".define(", ".init(", "Table(",
    ]);
    static GO: Words = Words::new(&["gorm", "bun.", "ent.Schema", "AutoMigrate", "TableName"]);
    static RUST: Words = Words::new(&["table!", "sea_orm"]);
    static JVM: Words = Words::new(&[
        "@Entity",
        "@MappedSuperclass",
        "@Embeddable",
        "@Column",
        "@Table",
        "@Id",
    ]);
    let words = match s.syntax {
        Syntax::Python => &PYTHON,
        Syntax::Js => &JS,
        Syntax::Go => &GO,
        Syntax::Rust => &RUST,
        Syntax::Java | Syntax::Kotlin => &JVM,
    };
    words.any_in(s.text)
}

/// Paths inside a migrations folder (not model definitions).
pub fn in_migrations(rel: &str) -> bool {
    rel.split('/').any(|p| {
        matches!(
            p,
            "migrations" | "migration" | "alembic" | "versions" | "migrate" | "db_migrations"
        )
    })
}

// --- Python -----------------------------------------------------------------------------------

static PY_CLASS: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^([ \t]*)class[ \t]+([A-Za-z_]\w*)[ \t]*(?:\(([^)]*)\))?[ \t]*:"));
static PY_ASSIGN: LazyLock<Regex> =
    LazyLock::new(|| re(r"^([A-Za-z_]\w*)[ \t]*(?::[ \t]*([^=]+?))?[ \t]*(?:=[ \t]*(.*))?$"));
static PY_TABLE: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:sa\.|sqlalchemy\.|db\.)?Table\(\s*["'](\w+)["']\s*,"#));
static PY_COLUMN_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r#"^(?:[\w.]*)(?:mapped_column|Column)\(\s*["'](\w+)["']"#));
static PY_DB_COLUMN: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:db_column|name|column_name|source_field)\s*=\s*["'](\w+)["']"#));

#[derive(Debug, Default, Clone)]
struct PyClass {
    name: String,
    bases: Vec<String>,
    bases_text: String,
    source: usize,
    at: usize,
    /// Where the class body lies in the masked code (read only for possible models and their
    /// ancestors: see `python_models`).
    body: std::ops::Range<usize>,
    columns: Vec<Column>,
    tablename: Option<String>,
    declared_tablename: bool,
    abstract_: bool,
    proxy: bool,
    meta_table: Option<String>,
    meta_app_label: Option<String>,
}

/// The classes of the Python sources: names, bases and where their bodies are.
fn py_classes(ctx: &Ctx<'_>) -> Vec<PyClass> {
    let mut out = Vec::new();
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if src.syntax != Syntax::Python {
            continue;
        }
        for c in PY_CLASS.captures_iter(code.code()) {
            let Some(m) = c.get(0) else { continue };
            let bases_text = c.get(3).map_or("", |b| b.as_str()).to_string();
            let bases: Vec<String> = bases_text
                .split(',')
                .map(str::trim)
                .filter(|b| !b.is_empty() && !b.contains('='))
                .map(str::to_string)
                .collect();
            let (_, end) = super::python_block(code.bare(), m.start() + c[1].len());
            out.push(PyClass {
                name: c[2].to_string(),
                bases,
                bases_text,
                source: i,
                at: m.start() + c[1].len(),
                body: m.end().min(end)..end,
                ..PyClass::default()
            });
        }
    }
    out
}

fn read_py_body(body: &str, class: &mut PyClass) {
    let indent = body
        .lines()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start().len());
    let mut in_meta = false;
    let mut meta_indent = usize::MAX;
    // Join continuation lines of one statement (inside brackets).
    let mut statements: Vec<(usize, String)> = Vec::new();
    let mut depth = 0i32;
    for line in body.lines() {
        let ind = line.len() - line.trim_start().len();
        if depth > 0 {
            if let Some(last) = statements.last_mut() {
                last.1.push(' ');
                last.1.push_str(line.trim());
            }
        } else if !line.trim().is_empty() {
            statements.push((ind, line.trim().to_string()));
        }
        depth += line
            .bytes()
            .map(|b| match b {
                b'(' | b'[' | b'{' => 1,
                b')' | b']' | b'}' => -1,
                _ => 0,
            })
            .sum::<i32>();
        depth = depth.max(0);
    }
    for (ind, stmt) in statements {
        if ind == indent && stmt.starts_with("class Meta") {
            in_meta = true;
            meta_indent = ind;
            continue;
        }
        if in_meta && ind > meta_indent {
            let v = |key: &str| -> Option<String> {
                let rest = stmt.strip_prefix(key)?.trim_start().strip_prefix('=')?;
                Some(
                    rest.trim()
                        .trim_matches(|c| c == '"' || c == '\'')
                        .to_string(),
                )
            };
            if v("abstract").is_some_and(|x| x == "True") {
                class.abstract_ = true;
            }
            if v("proxy").is_some_and(|x| x == "True") {
                class.proxy = true;
            }
            if let Some(t) = v("db_table")
                .or_else(|| v("table_name"))
                .or_else(|| v("table"))
            {
                class.meta_table = Some(t);
            }
            if let Some(t) = v("app_label") {
                class.meta_app_label = Some(t);
            }
            continue;
        }
        if ind != indent {
            continue;
        }
        in_meta = false;
        if stmt.starts_with("def ") || stmt.starts_with("async def") || stmt.starts_with('@') {
            continue;
        }
        let Some(c) = PY_ASSIGN.captures(&stmt) else {
            continue;
        };
        let name = &c[1];
        let annotation = c.get(2).map_or("", |m| m.as_str()).trim();
        let rhs = c.get(3).map_or("", |m| m.as_str()).trim();
        match name {
            "__tablename__" => {
                if let Some(t) = rhs.strip_prefix(['"', '\'']) {
                    class.tablename = Some(t.trim_end_matches(['"', '\'']).to_string());
                } else {
                    class.declared_tablename = true;
                }
                continue;
            }
            "__abstract__" if rhs == "True" => {
                class.abstract_ = true;
                continue;
            }
            _ if name.starts_with("__") => continue,
            _ => {}
        }
        let call = rhs.split('(').next().unwrap_or("").trim();
        let call_last = call.rsplit('.').next().unwrap_or(call);
        let relation = matches!(
            call_last,
            "relationship"
                | "Relationship"
                | "ManyToManyField"
                | "backref"
                | "association_proxy"
                | "column_property"
                | "synonym"
                | "ReverseRelation"
                | "ManyToManyRelation"
                | "GenericRelation"
                | "GenericForeignKey"
                | "hybrid_property"
        ) || annotation.contains("relationship")
            || annotation.contains("ClassVar")
            || annotation.contains("Mapped[list")
            || annotation.contains("Mapped[List")
            || annotation.contains("Mapped[set")
            || annotation.contains("Mapped[\"");
        if relation {
            continue;
        }
        let is_column_call = matches!(
            call_last,
            "mapped_column" | "Column" | "Field" | "ForeignKey"
        ) || call_last.ends_with("Field")
            || call_last == "OneToOneField"
            || call_last.ends_with("Key");
        let annotated_column = !annotation.is_empty() && rhs.is_empty()
            || annotation.starts_with("Mapped[")
            || (!annotation.is_empty() && class.bases_text.contains("table=True"));
        if !(is_column_call || annotated_column) {
            continue;
        }
        let mut col_name = PY_COLUMN_NAME
            .captures(rhs)
            .map(|c| c[1].to_string())
            .or_else(|| PY_DB_COLUMN.captures(rhs).map(|c| c[1].to_string()))
            .unwrap_or_else(|| name.to_string());
        let fk = rhs.contains("ForeignKey")
            || rhs.contains("foreign_key=")
            || call_last == "OneToOneField";
        if fk
            && (call_last == "ForeignKey" || call_last == "OneToOneField")
            && !col_name.ends_with("_id")
        {
            col_name = format!("{col_name}_id");
        }
        let mut column = Column::new(&col_name);
        column.fk = fk;
        column.auto_created =
            rhs.contains("auto_now_add=True") || rhs.contains("auto_now_add = True");
        column.auto_updated = rhs.contains("auto_now=True")
            || rhs.contains("auto_now = True")
            || (rhs.contains("onupdate=") && !rhs.contains("onupdate=None"));
        class.columns.push(column);
    }
}

/// Bases that bring both timestamps from a library (django-model-utils, django-extensions…).
fn external_timestamp_base(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.contains("timestamp")
        || n.contains("timestamped")
        || n.contains("auditable")
        || n.contains("audited")
}

/// What a class inherits, found by following its bases by name.
struct Ancestry {
    /// The ancestors defined in the sources, in the order they were reached.
    found: Vec<usize>,
    /// Where the chains end: a base with no bases of its own, or one not defined here
    /// (`models.Model`, `db.Model`, `Base`).
    roots: Vec<String>,
    /// A library base that brings both timestamps.
    external_timestamps: bool,
}

fn ancestry(class: &PyClass, classes: &[PyClass], by_name: &HashMap<&str, Vec<usize>>) -> Ancestry {
    let mut found = Vec::new();
    let mut roots = Vec::new();
    let mut external_timestamps = false;
    let mut queue: Vec<&str> = class.bases.iter().map(String::as_str).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    while let Some(base) = queue.pop() {
        let last = base.rsplit('.').next().unwrap_or(base);
        if !seen.insert(last) || seen.len() > 32 {
            continue;
        }
        match by_name.get(last).and_then(|v| v.first()) {
            Some(&b) if classes[b].name != class.name => {
                let b_class = &classes[b];
                found.push(b);
                queue.extend(b_class.bases.iter().map(String::as_str));
                if b_class.bases.is_empty() {
                    roots.push(b_class.name.clone());
                }
            }
            _ => {
                roots.push(base.to_string());
                if external_timestamp_base(last) {
                    external_timestamps = true;
                }
            }
        }
    }
    Ancestry {
        found,
        roots,
        external_timestamps,
    }
}

/// Which ORM a Python file may use, read once per file.
#[derive(Clone, Copy, Default)]
struct PyFileFlags {
    django: bool,
    peewee: bool,
    tortoise: bool,
    tablename: bool,
}

fn python_models(ctx: &Ctx<'_>, out: &mut Vec<Table>) {
    let mut classes = py_classes(ctx);
    if classes.is_empty() && !ctx.sources.iter().any(|s| s.syntax == Syntax::Python) {
        return;
    }
    let mut read: Vec<Option<PyFileFlags>> = vec![None; ctx.sources.len()];
    for class in &classes {
        read[class.source].get_or_insert_with(|| {
            let text = ctx.sources[class.source].text;
            PyFileFlags {
                django: text.contains("django.db") || text.contains("from django"),
                peewee: text.contains("peewee"),
                tortoise: text.contains("tortoise"),
                tablename: ctx.codes[class.source].code().contains("__tablename__"),
            }
        });
    }
    // Every class's file was read just above.
    let flags: Vec<PyFileFlags> = read.into_iter().map(Option::unwrap_or_default).collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in classes.iter().enumerate() {
        by_name.entry(c.name.as_str()).or_default().push(i);
    }
    // Which classes may be models, from their headers alone: a model is marked by its bases
    // (`table=True`, a chain ending in an ORM's base) or by a `__tablename__` in its body or
    // an ancestor's. Only those and their ancestors have their bodies read: in a Django
    // project most classes (forms, views, serializers) live in files that import `django.db`.
    let mut candidates: Vec<(usize, Ancestry)> = Vec::new();
    let mut needs_body = vec![false; classes.len()];
    for (i, class) in classes.iter().enumerate() {
        if class.name == "Meta" {
            continue;
        }
        let family = ancestry(class, &classes, &by_name);
        let f = flags[class.source];
        let root_is = |names: &[&str]| {
            family.roots.iter().any(|r| {
                names.contains(&r.as_str()) || names.contains(&r.rsplit('.').next().unwrap_or(r))
            })
        };
        let may_be_model = class.bases_text.contains("table=True")
            || f.tablename
            || family
                .found
                .iter()
                .any(|&a| flags[classes[a].source].tablename)
            || (root_is(&["db.Model"]) && !f.django)
            || (f.django
                && (root_is(&["models.Model", "Model", "AbstractUser", "AbstractBaseUser"])
                    || family.roots.iter().any(|r| r.ends_with("Model"))))
            || ((f.peewee || f.tortoise) && root_is(&["Model", "peewee.Model", "models.Model"]));
        if may_be_model {
            needs_body[i] = true;
            for &a in &family.found {
                needs_body[a] = true;
            }
            candidates.push((i, family));
        }
    }
    classes
        .par_iter_mut()
        .zip(needs_body)
        .filter(|(_, needed)| *needed)
        .for_each(|(class, _)| {
            let body = &ctx.codes[class.source].code()[class.body.clone()];
            read_py_body(body, class);
        });
    for (i, family) in candidates {
        let class = &classes[i];
        if class.abstract_ || class.proxy {
            continue;
        }
        let PyFileFlags {
            django,
            peewee,
            tortoise,
            ..
        } = flags[class.source];
        // Ancestors, resolved by name.
        let mut columns = class.columns.clone();
        let mut declared = class.declared_tablename;
        for &a in &family.found {
            columns.extend(classes[a].columns.iter().cloned());
            declared |= classes[a].declared_tablename;
        }
        let chain_roots = family.roots;
        let external_timestamps = family.external_timestamps;
        let root_is = |names: &[&str]| {
            chain_roots.iter().any(|r| {
                names.contains(&r.as_str()) || names.contains(&r.rsplit('.').next().unwrap_or(r))
            })
        };
        let (kind, name) = if class.bases_text.contains("table=True") {
            (
                "SQLModel",
                class
                    .tablename
                    .clone()
                    .unwrap_or_else(|| class.name.to_ascii_lowercase()),
            )
        } else if let Some(t) = &class.tablename {
            ("SQLAlchemy", t.clone())
        } else if root_is(&["db.Model"]) && !django {
            ("Flask-SQLAlchemy", snake(&class.name))
        } else if declared && !columns.is_empty() && class.columns.iter().any(|_| true) {
            ("SQLAlchemy", snake(&class.name))
        } else if django
            && (root_is(&["models.Model", "Model", "AbstractUser", "AbstractBaseUser"])
                || chain_roots.iter().any(|r| r.ends_with("Model")))
        {
            let app = class
                .meta_app_label
                .clone()
                .unwrap_or_else(|| django_app_label(ctx.sources[class.source].rel));
            (
                "Django",
                class
                    .meta_table
                    .clone()
                    .unwrap_or_else(|| format!("{app}_{}", class.name.to_ascii_lowercase())),
            )
        } else if (peewee || tortoise) && root_is(&["Model", "peewee.Model", "models.Model"]) {
            (
                if peewee { "Peewee" } else { "Tortoise" },
                class.meta_table.clone().unwrap_or_else(|| {
                    if peewee {
                        snake(&class.name)
                    } else {
                        class.name.to_ascii_lowercase()
                    }
                }),
            )
        } else {
            continue;
        };
        if kind == "Django"
            && class.columns.is_empty()
            && columns.is_empty()
            && !external_timestamps
        {
            // A bare `class X(models.Model): pass` still has a table (an id); keep it.
        }
        let mut t = ctx.table(class.source, &class.name, &name, kind, class.at);
        t.columns = columns;
        if kind == "Django" || external_timestamps {
            t.columns.insert(0, Column::new("id"));
        }
        t.implicit_timestamps = external_timestamps;
        out.push(t);
    }
    // Core tables: Table("name", metadata, Column(…), …).
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if src.syntax != Syntax::Python {
            continue;
        }
        for c in PY_TABLE.captures_iter(code.code()) {
            let Some(m) = c.get(0) else { continue };
            let open = m.start() + m.as_str().find('(').unwrap_or(0);
            let close = code.close(open);
            let args = &code.code()[open..close];
            if args.contains("autoload") {
                continue; // reflected, not defined here
            }
            let mut t = ctx.table(i, &c[1], &c[1], "SQLAlchemy Core", m.start());
            static CORE_COL: LazyLock<Regex> =
                LazyLock::new(|| re(r#"Column\(\s*["'](\w+)["']([^()]*(?:\([^()]*\)[^()]*)*)\)"#));
            for col in CORE_COL.captures_iter(args) {
                let mut column = Column::new(&col[1]);
                column.fk = col[2].contains("ForeignKey");
                column.auto_updated = col[2].contains("onupdate=");
                t.columns.push(column);
            }
            if !t.columns.is_empty() {
                out.push(t);
            }
        }
    }
}

/// Django's app label: the folder holding `models.py` (or the `models/` package).
fn django_app_label(rel: &str) -> String {
    let mut parts: Vec<&str> = rel.split('/').collect();
    parts.pop();
    if parts.last() == Some(&"models") {
        parts.pop();
    }
    parts.last().copied().unwrap_or("app").to_ascii_lowercase()
}

/// Where the decorators or annotations of a class declared at `class_at` begin: back over
/// lines until the end of the previous statement or block (`;`, or `}` outside brackets), so
/// that `@Entity({ name: 'x' })` or `@Table(indexes = {@Index(…)})` are kept whole.
fn annotations_start(bare: &str, class_at: usize) -> usize {
    let b = bare.as_bytes();
    let mut depth = 0i32;
    let mut i = class_at.min(b.len());
    while i > 0 {
        match b[i - 1] {
            b')' | b']' => depth += 1,
            b'(' | b'[' => depth -= 1,
            b'}' if depth == 0 => return i,
            b'}' => depth += 1,
            b'{' if depth > 0 => depth -= 1,
            b'{' | b';' if depth == 0 => return i,
            _ => {}
        }
        i -= 1;
    }
    0
}

// --- JavaScript / TypeScript ----------------------------------------------------------------

static TS_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\bclass\s+([A-Za-z_$][\w$]*)(?:\s*<[^>{]*>)?(?:\s+extends\s+([A-Za-z_$][\w$.]*)(?:\s*<[^>{]*>)?)?(?:\s+implements\s+[^{]+)?\s*\{",
    )
});
static TS_DECORATOR: LazyLock<Regex> = LazyLock::new(|| re(r"@([A-Za-z_]\w*)\s*(\()?"));
static TS_PROP_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:@[A-Za-z_]\w*\s*(?:\([^)]*\))?\s*)*(?:(?:public|private|protected|readonly|declare|override)\s+)*([A-Za-z_$][\w$]*)\s*[!?]?\s*[:=;]",
    )
});
static SEQ_DEFINE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\.define\s*(?:<[^>]*>)?\(\s*["'](\w+)["']\s*,\s*\{|\b([A-Z]\w*)\.init\s*\(\s*\{"#)
});
static DRIZZLE: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"\b(?:pg|mysql|sqlite)Table\s*\(\s*["'](\w+)["']\s*,\s*(?:\([^)]*\)\s*=>\s*\(?\s*)?\{"#)
});
static OBJ_NAME: LazyLock<Regex> =
    LazyLock::new(|| re(r#"\b(?:name|tableName)\s*:\s*["'`](\w+)["'`]"#));

/// Keys of an object literal at its top level: `{ a: …, b: … }`.
fn object_keys(code: &Code, open: usize) -> Vec<(String, usize, usize)> {
    let bare = code.bare().as_bytes();
    let text = code.code();
    let close = close_bracket(bare, open);
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut i = open;
    let mut expect_key = true;
    while i < close {
        match bare[i] {
            b'{' | b'(' | b'[' => {
                depth += 1;
                if depth == 1 {
                    expect_key = true;
                }
            }
            b'}' | b')' | b']' => depth -= 1,
            b',' if depth == 1 => expect_key = true,
            c if depth == 1
                && expect_key
                && (c.is_ascii_alphabetic() || c == b'_' || c == b'"' || c == b'\'') =>
            {
                let start = i;
                let mut j = i;
                if c == b'"' || c == b'\'' {
                    j += 1;
                    while j < close && bare[j] != c {
                        j += 1;
                    }
                    j += 1;
                } else {
                    while j < close
                        && (bare[j].is_ascii_alphanumeric() || bare[j] == b'_' || bare[j] == b'$')
                    {
                        j += 1;
                    }
                }
                let key = text[start..j]
                    .trim_matches(|q| q == '"' || q == '\'')
                    .to_string();
                let mut k = j;
                while k < close && bare[k].is_ascii_whitespace() {
                    k += 1;
                }
                if bare.get(k) == Some(&b':') {
                    // The value runs to the next top-level comma.
                    let mut d = 0i32;
                    let mut e = k + 1;
                    while e < close {
                        match bare[e] {
                            b'{' | b'(' | b'[' => d += 1,
                            b'}' | b')' | b']' => {
                                if d == 0 {
                                    break;
                                }
                                d -= 1;
                            }
                            b',' if d == 0 => break,
                            _ => {}
                        }
                        e += 1;
                    }
                    out.push((key, k + 1, e));
                    i = e;
                    expect_key = false;
                    continue;
                }
                expect_key = false;
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

struct TsClass {
    name: String,
    base: Option<String>,
    source: usize,
    at: usize,
    entity: Option<(String, Option<String>)>, // decorator kind, table name
    columns: Vec<Column>,
    timestamps_default: bool,
}

fn js_models(ctx: &Ctx<'_>, out: &mut Vec<Table>) {
    let mut classes: Vec<TsClass> = Vec::new();
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if src.syntax != Syntax::Js {
            continue;
        }
        let text = code.code();
        for c in TS_CLASS.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let brace = m.end() - 1;
            let end = code.close(brace);
            // Decorators just before the class (and `export`/`abstract`).
            let head = &text[annotations_start(code.bare(), m.start())..m.start()];
            let entity = if let Some(p) = head.find("@Entity") {
                let args = &head[p..];
                let name = OBJ_NAME
                    .captures(args)
                    .map(|c| c[1].to_string())
                    .or_else(|| {
                        static FIRST: LazyLock<Regex> =
                            LazyLock::new(|| re(r#"@Entity\s*\(\s*["'`](\w+)["'`]"#));
                        FIRST.captures(args).map(|c| c[1].to_string())
                    });
                Some(("TypeORM".to_string(), name))
            } else if let Some(p) = head.find("@Table") {
                let args = &head[p..];
                Some((
                    "Sequelize".to_string(),
                    OBJ_NAME.captures(args).map(|c| c[1].to_string()),
                ))
            } else {
                None
            };
            let timestamps_default = entity.as_ref().is_some_and(|(k, _)| k == "Sequelize")
                && !head.contains("timestamps: false")
                && !head.contains("timestamps:false");
            let columns = ts_columns(code, brace, end);
            classes.push(TsClass {
                name: c[1].to_string(),
                base: c
                    .get(2)
                    .map(|b| b.as_str().rsplit('.').next().unwrap_or("").to_string()),
                source: i,
                at: m.start(),
                entity,
                columns,
                timestamps_default,
            });
        }
        for c in SEQ_DEFINE.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let brace = m.end() - 1;
            let attrs_end = code.close(brace);
            let keys = object_keys(code, brace);
            // Options: the next object argument.
            let rest = &text[attrs_end..(attrs_end + 600).min(text.len())];
            let options_end = rest.find(')').unwrap_or(rest.len());
            let options = &rest[..options_end.min(rest.len())];
            let model = c.get(1).or(c.get(2)).map_or("", |x| x.as_str());
            let table = OBJ_NAME
                .captures(options)
                .filter(|_| options.contains("tableName"))
                .map(|c| c[1].to_string())
                .unwrap_or_else(|| plural(&snake(model)));
            let mut t = ctx.table(i, model, &table, "Sequelize", m.start());
            t.columns = keys
                .iter()
                .map(|(k, vs, ve)| {
                    let v = &text[*vs..*ve];
                    let mut col = Column::new(k);
                    col.fk = v.contains("references");
                    col
                })
                .collect();
            t.implicit_timestamps =
                !options.contains("timestamps: false") && !options.contains("timestamps:false");
            out.push(t);
        }
        for c in DRIZZLE.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let brace = m.end() - 1;
            let mut t = ctx.table(i, &c[1], &c[1], "Drizzle", m.start());
            static COL_NAME: LazyLock<Regex> =
                LazyLock::new(|| re(r#"^\s*\w+\s*\(\s*["'](\w+)["']"#));
            for (k, vs, ve) in object_keys(code, brace) {
                let v = &text[vs..ve];
                let name = COL_NAME.captures(v).map_or(k.clone(), |c| c[1].to_string());
                let mut col = Column::new(&name);
                col.fk = v.contains(".references(");
                col.auto_updated = v.contains("$onUpdate") || v.contains(".onUpdateNow(");
                t.columns.push(col);
            }
            out.push(t);
        }
    }
    let by_name: HashMap<&str, &TsClass> = classes.iter().map(|c| (c.name.as_str(), c)).collect();
    for class in &classes {
        let Some((kind, table)) = &class.entity else {
            continue;
        };
        let mut columns = class.columns.clone();
        let mut base = class.base.as_deref();
        let mut guard = 0;
        let mut implicit = class.timestamps_default;
        while let Some(b) = base {
            guard += 1;
            if guard > 16 {
                break;
            }
            match by_name.get(b) {
                Some(bc) => {
                    columns.extend(bc.columns.iter().cloned());
                    base = bc.base.as_deref();
                }
                None => {
                    implicit |= external_timestamp_base(b);
                    break;
                }
            }
        }
        let kind: &'static str = if kind == "TypeORM" {
            "TypeORM"
        } else {
            "Sequelize"
        };
        let name = table.clone().unwrap_or_else(|| {
            if kind == "Sequelize" {
                plural(&class.name)
            } else {
                snake(&class.name)
            }
        });
        let mut t = ctx.table(class.source, &class.name, &name, kind, class.at);
        t.columns = columns;
        t.implicit_timestamps = implicit;
        out.push(t);
    }
}

fn ts_columns(code: &Code, brace: usize, end: usize) -> Vec<Column> {
    let text = code.code();
    let bare = code.bare().as_bytes();
    let mut out: Vec<Column> = Vec::new();
    let mut props: HashMap<String, (Vec<String>, String)> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    // Depth of each decorator relative to the class body.
    let mut depth_at = vec![0i32; end.saturating_sub(brace)];
    let mut d = 0;
    for (k, slot) in depth_at.iter_mut().enumerate() {
        match bare[brace + k] {
            b'{' | b'(' | b'[' => d += 1,
            b'}' | b')' | b']' => d -= 1,
            _ => {}
        }
        *slot = d;
    }
    for c in TS_DECORATOR.captures_iter(&text[brace..end]) {
        let Some(m) = c.get(0) else { continue };
        if depth_at.get(m.start()).copied().unwrap_or(0) != 1 {
            continue;
        }
        let abs = brace + m.start();
        let after_args = if c.get(2).is_some() {
            close_bracket(bare, brace + m.end() - 1)
        } else {
            brace + m.end()
        };
        let args = text[abs..after_args].to_string();
        let Some(p) = TS_PROP_AFTER.captures(&text[after_args..end]) else {
            continue;
        };
        let prop = p[1].to_string();
        let entry = props.entry(prop.clone()).or_insert_with(|| {
            order.push(prop.clone());
            (Vec::new(), String::new())
        });
        entry.0.push(c[1].to_string());
        entry.1.push_str(&args);
    }
    for prop in order {
        let Some((decorators, args)) = props.get(&prop) else {
            continue;
        };
        let has = |d: &str| decorators.iter().any(|x| x == d);
        if has("OneToMany") || has("ManyToMany") || has("HasMany") || has("BelongsToMany") {
            continue;
        }
        let column_like = [
            "Column",
            "PrimaryGeneratedColumn",
            "PrimaryColumn",
            "CreateDateColumn",
            "UpdateDateColumn",
            "DeleteDateColumn",
            "VersionColumn",
            "JoinColumn",
            "ManyToOne",
            "OneToOne",
            "Property",
            "PrimaryKey",
            "CreatedAt",
            "UpdatedAt",
            "ForeignKey",
            "ObjectIdColumn",
            "Enum",
        ];
        if !decorators.iter().any(|d| column_like.contains(&d.as_str())) {
            continue;
        }
        let name = OBJ_NAME
            .captures(args)
            .map(|c| c[1].to_string())
            .unwrap_or_else(|| prop.clone());
        let mut col = Column::new(&name);
        col.fk = has("ManyToOne") || has("JoinColumn") || has("ForeignKey");
        if col.fk && !col.name.to_ascii_lowercase().ends_with("id") {
            col.name = format!("{}Id", col.name);
        }
        col.auto_created = has("CreateDateColumn") || has("CreatedAt");
        col.auto_updated = has("UpdateDateColumn") || has("UpdatedAt") || args.contains("onUpdate");
        out.push(col);
    }
    out
}

/// Prisma schema models.
fn prisma_models(repo: &Repo) -> Vec<Table> {
    static MODEL: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*model\s+(\w+)\s*\{"));
    let mut out = Vec::new();
    let prefix = repo.prefix.len();
    for f in repo.service_files() {
        let rel = &f.path[prefix..];
        if !rel.ends_with(".prisma") || f.is_vendored() {
            continue;
        }
        let Some(text) = f.text() else { continue };
        let names: HashSet<&str> = MODEL
            .captures_iter(text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str())
            .collect();
        let enums: HashSet<&str> = {
            static ENUM: LazyLock<Regex> =
                LazyLock::new(|| re(r"(?m)^\s*(?:enum|type)\s+(\w+)\s*\{"));
            ENUM.captures_iter(text)
                .filter_map(|c| c.get(1))
                .map(|m| m.as_str())
                .collect()
        };
        for c in MODEL.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let open = m.end() - 1;
            let close = close_bracket(text.as_bytes(), open);
            let body = &text[open + 1..close.saturating_sub(1).max(open + 1)];
            let mut table = c[1].to_string();
            let mut columns = Vec::new();
            let mut fk_fields: HashSet<String> = HashSet::new();
            static RELATION_FIELDS: LazyLock<Regex> =
                LazyLock::new(|| re(r"@relation\([^)]*fields\s*:\s*\[([^\]]*)\]"));
            for r in RELATION_FIELDS.captures_iter(body) {
                fk_fields.extend(r[1].split(',').map(|s| s.trim().to_string()));
            }
            for line in body.lines() {
                let l = line.split("//").next().unwrap_or("").trim();
                if let Some(map) = l.strip_prefix("@@map(") {
                    table = map
                        .trim_end_matches(')')
                        .trim_matches(|c| c == '"' || c == ' ')
                        .to_string();
                    continue;
                }
                if l.is_empty() || l.starts_with('@') {
                    continue;
                }
                let mut parts = l.split_whitespace();
                let (Some(field), Some(ty)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let base_ty = ty.trim_end_matches(['?', ']']).trim_end_matches('[');
                if ty.ends_with("[]") || (names.contains(base_ty) && !enums.contains(base_ty)) {
                    continue; // relation field: no column
                }
                static MAP: LazyLock<Regex> = LazyLock::new(|| re(r#"@map\(\s*"(\w+)""#));
                let name = MAP
                    .captures(l)
                    .map_or(field.to_string(), |c| c[1].to_string());
                let mut col = Column::new(&name);
                col.fk = fk_fields.contains(field);
                col.auto_created = base_ty == "DateTime" && l.contains("@default(now())");
                col.auto_updated = l.contains("@updatedAt");
                columns.push(col);
            }
            out.push(Table {
                name: table_key(&table),
                model: c[1].to_string(),
                kind: "Prisma",
                path: f.path.clone(),
                rel: rel.to_string(),
                line: super::line_at(
                    text,
                    m.start() + (m.as_str().len() - m.as_str().trim_start().len()),
                ),
                columns,
                implicit_timestamps: false,
            });
        }
    }
    out
}

// --- Go -------------------------------------------------------------------------------------

static GO_STRUCT: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?m)^type\s+([A-Za-z_]\w*)\s+struct\s*\{"));
static GO_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?m)^[ \t]*(?:([A-Za-z_]\w*)[ \t]+)?(\*?[\[\]\w.*]+)[ \t]*(`[^`\n]*`)?[ \t]*$")
});

struct GoStruct {
    name: String,
    source: usize,
    at: usize,
    fields: Vec<(Option<String>, String, String)>, // name, type, tag
}

fn go_models(ctx: &Ctx<'_>, out: &mut Vec<Table>) {
    let mut structs: Vec<GoStruct> = Vec::new();
    let mut table_names: HashMap<String, String> = HashMap::new();
    let mut migrated: HashSet<String> = HashSet::new();
    static TABLE_NAME: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r#"func\s*\(\s*(?:\w+\s+)?\*?(\w+)\s*\)\s*TableName\s*\(\s*\)\s*string\s*\{\s*return\s+"(\w+)""#,
        )
    });
    static AUTO_MIGRATE: LazyLock<Regex> =
        LazyLock::new(|| re(r"AutoMigrate\s*\(([^;]*?)\)\s*(?:;|\n|$)"));
    static ENT_SCHEMA: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?m)^type\s+(\w+)\s+struct\s*\{\s*ent\.Schema\s*\}"));
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if src.syntax != Syntax::Go {
            continue;
        }
        let text = code.code();
        for c in TABLE_NAME.captures_iter(text) {
            table_names.insert(c[1].to_string(), c[2].to_string());
        }
        for c in AUTO_MIGRATE.captures_iter(text) {
            static AMP: LazyLock<Regex> = LazyLock::new(|| re(r"&(?:\w+\.)?(\w+)\s*\{"));
            migrated.extend(AMP.captures_iter(&c[1]).map(|x| x[1].to_string()));
        }
        for c in GO_STRUCT.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let brace = m.end() - 1;
            let end = code.close(brace);
            let body = &text[brace + 1..end.saturating_sub(1).max(brace + 1)];
            let fields = GO_FIELD
                .captures_iter(body)
                .map(|f| {
                    (
                        f.get(1).map(|x| x.as_str().to_string()),
                        f[2].to_string(),
                        f.get(3).map_or(String::new(), |t| t.as_str().to_string()),
                    )
                })
                .collect();
            structs.push(GoStruct {
                name: c[1].to_string(),
                source: i,
                at: m.start(),
                fields,
            });
        }
        // ent schemas.
        for c in ENT_SCHEMA.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let name = &c[1];
            let mut t = ctx.table(i, name, &plural(&snake(name)), "ent", m.start());
            t.columns.push(Column::new("id"));
            let fields_re = crate::rx::compile(&format!(
                r"func\s*\(\s*\w*\s*\*?{name}\s*\)\s*(Fields|Mixin|Edges)\s*\(\s*\)"
            ));
            if let Ok(fr) = fields_re {
                for f in fr.captures_iter(text) {
                    let Some(fm) = f.get(0) else { continue };
                    let (s, e) = code.body(fm.start(), Syntax::Go);
                    let body = &text[s..e];
                    match &f[1] {
                        "Fields" => {
                            static FIELD: LazyLock<Regex> =
                                LazyLock::new(|| re(r#"field\.\w+\(\s*"(\w+)""#));
                            for x in FIELD.captures_iter(body) {
                                let mut col = Column::new(&x[1]);
                                col.auto_updated = body.contains("UpdateDefault")
                                    && (x[1].contains("update") || x[1].contains("modif"));
                                t.columns.push(col);
                            }
                        }
                        "Mixin" => {
                            if body.contains("mixin.Time") {
                                t.implicit_timestamps = true;
                            }
                            if body.contains("mixin.CreateTime") {
                                t.columns.push(Column::new("create_time"));
                            }
                            if body.contains("mixin.UpdateTime") {
                                t.columns.push(Column::new("update_time"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            out.push(t);
        }
    }
    let by_name: HashMap<&str, &GoStruct> = structs.iter().map(|s| (s.name.as_str(), s)).collect();
    fn columns_of(
        s: &GoStruct,
        by_name: &HashMap<&str, &GoStruct>,
        depth: usize,
    ) -> (Vec<Column>, bool, bool) {
        let mut cols = Vec::new();
        let mut gorm = false;
        let mut bun = false;
        for (name, ty, tag) in &s.fields {
            gorm |= tag.contains("gorm:\"");
            bun |= tag.contains("bun:\"");
            match name {
                None => {
                    let t = ty.trim_start_matches('*');
                    if t == "gorm.Model" {
                        gorm = true;
                        for c in ["id", "created_at", "updated_at", "deleted_at"] {
                            cols.push(Column::new(c));
                        }
                    } else if t == "bun.BaseModel" {
                        bun = true;
                    } else if depth < 6
                        && let Some(inner) = by_name.get(t.rsplit('.').next().unwrap_or(t))
                    {
                        let (c, g, b) = columns_of(inner, by_name, depth + 1);
                        cols.extend(c);
                        gorm |= g;
                        bun |= b;
                    } else if external_timestamp_base(t) {
                        cols.push(Column::new("created_at"));
                        cols.push(Column::new("updated_at"));
                    }
                }
                Some(field) => {
                    if tag.contains("gorm:\"-") || tag.contains("bun:\"-") || tag.contains("rel:") {
                        continue;
                    }
                    if ty.starts_with("[]") && ty != "[]byte" {
                        continue;
                    }
                    let tag_col = {
                        static COL: LazyLock<Regex> =
                            LazyLock::new(|| re(r#"(?:column:|bun:")(\w+)"#));
                        COL.captures(tag).map(|c| c[1].to_string())
                    };
                    let base_ty = ty.trim_start_matches('*');
                    if by_name.contains_key(base_ty)
                        && !tag.contains("embedded")
                        && tag_col.is_none()
                    {
                        continue; // a relation struct, not a column
                    }
                    let mut col = Column::new(&tag_col.unwrap_or_else(|| snake(field)));
                    col.auto_created = tag.contains("autoCreateTime");
                    col.auto_updated = tag.contains("autoUpdateTime");
                    col.fk = field.ends_with("ID") && field.len() > 2;
                    cols.push(col);
                }
            }
        }
        (cols, gorm, bun)
    }
    for s in &structs {
        let (columns, _, _) = columns_of(s, &by_name, 0);
        // A model declares itself: gorm/bun tags or base model of its own, AutoMigrate or
        // TableName(). Embedding another model (a serializer wrapping UserModel) is not enough.
        let own = |needle: &str| s.fields.iter().any(|(_, _, tag)| tag.contains(needle));
        let embeds = |ty: &str| {
            s.fields
                .iter()
                .any(|(n, t, _)| n.is_none() && t.trim_start_matches('*') == ty)
        };
        let gorm = own("gorm:\"") || embeds("gorm.Model");
        let bun = own("bun:\"") || embeds("bun.BaseModel");
        let is_model =
            gorm || bun || migrated.contains(&s.name) || table_names.contains_key(&s.name);
        if !is_model || columns.is_empty() {
            continue;
        }
        // A struct embedded in others (a base model) is not a table by itself.
        let embedded_elsewhere = structs.iter().any(|o| {
            o.name != s.name
                && o.fields
                    .iter()
                    .any(|(n, t, _)| n.is_none() && t.trim_start_matches('*') == s.name)
        });
        if embedded_elsewhere && !migrated.contains(&s.name) && !table_names.contains_key(&s.name) {
            continue;
        }
        let bun_table = s.fields.iter().find_map(|(_, t, tag)| {
            static BUN: LazyLock<Regex> = LazyLock::new(|| re(r#"bun:"table:(\w+)"#));
            (t == "bun.BaseModel")
                .then(|| BUN.captures(tag).map(|c| c[1].to_string()))
                .flatten()
        });
        let name = table_names
            .get(&s.name)
            .cloned()
            .or(bun_table)
            .unwrap_or_else(|| plural(&snake(&s.name)));
        let kind = if bun { "bun" } else { "GORM" };
        let mut t = ctx.table(s.source, &s.name, &name, kind, s.at);
        t.columns = columns;
        out.push(t);
    }
}

// --- Rust -----------------------------------------------------------------------------------

fn rust_models(ctx: &Ctx<'_>, out: &mut Vec<Table>) {
    static TABLE_MACRO: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:diesel::)?table!\s*\{"));
    static DIESEL_TABLE: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?m)^\s*(?:(\w+)\.)?(\w+)\s*(?:\([^)]*\))?\s*\{"));
    static DIESEL_COL: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?m)^\s*(?:#\[[^\]]*\]\s*)*(\w+)\s*->"));
    static SEA_ORM: LazyLock<Regex> =
        LazyLock::new(|| re(r#"#\[\s*sea_orm\s*\([^\]]*table_name\s*=\s*"(\w+)""#));
    static SEA_FIELD: LazyLock<Regex> = LazyLock::new(|| re(r"(?m)^\s*pub\s+(\w+)\s*:"));
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if src.syntax != Syntax::Rust {
            continue;
        }
        let text = code.code();
        for m in TABLE_MACRO.find_iter(text) {
            let brace = m.end() - 1;
            let end = code.close(brace);
            let inner = &text[brace + 1..end.saturating_sub(1).max(brace + 1)];
            // Skip `use …;` lines and attributes before the table.
            let Some(t) = DIESEL_TABLE.captures_iter(inner).find(|c| &c[2] != "use") else {
                continue;
            };
            let Some(tm) = t.get(0) else { continue };
            let cols_open = brace + 1 + tm.end() - 1;
            let cols_end = code.close(cols_open);
            let mut table = ctx.table(i, &t[2], &t[2], "diesel", m.start());
            for c in DIESEL_COL.captures_iter(&text[cols_open..cols_end]) {
                table.columns.push(Column::new(&c[1]));
            }
            out.push(table);
        }
        for c in SEA_ORM.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let rest = &text[m.end()..];
            let Some(p) = rest.find("struct Model") else {
                continue;
            };
            let open = m.end() + p + rest[p..].find('{').unwrap_or(0);
            let end = code.close(open);
            let mut table = ctx.table(i, "Model", &c[1], "SeaORM", m.start());
            for f in SEA_FIELD.captures_iter(&text[open..end]) {
                table.columns.push(Column::new(&f[1]));
            }
            out.push(table);
        }
    }
}

// --- JVM ------------------------------------------------------------------------------------

static JVM_CLASS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\b(?:(?:public|private|protected|internal|abstract|open|final|data)\s+)*class\s+([A-Za-z_]\w*)(?:\s*<[^>{(]*>)?",
    )
});
static JAVA_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"((?:@[\w.]+(?:\s*\((?:[^()]|\([^()]*\))*\))?\s*)*)(?:(?:private|protected|public|final|transient|static)\s+)*([\w.<>\[\]?, ]+?)\s+([A-Za-z_]\w*)\s*(?:=[^;]*)?;",
    )
});
static KOTLIN_PROP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"((?:@[\w.:]+(?:\s*\((?:[^()]|\([^()]*\))*\))?\s*)*)(?:(?:private|protected|public|internal|override|lateinit|open|final)\s+)*(?:val|var)\s+([A-Za-z_]\w*)\s*:\s*([\w.<>?, ]+)",
    )
});

struct JvmClass {
    name: String,
    source: usize,
    at: usize,
    annotations: String,
    base: Option<String>,
    columns: Vec<Column>,
    embedded: Vec<String>,
}

fn jvm_models(ctx: &Ctx<'_>, out: &mut Vec<Table>) {
    let mut classes: Vec<JvmClass> = Vec::new();
    for (i, (src, code)) in ctx.sources.iter().zip(ctx.codes).enumerate() {
        if !matches!(src.syntax, Syntax::Java | Syntax::Kotlin) {
            continue;
        }
        let text = code.code();
        let bare = code.bare();
        for c in JVM_CLASS.captures_iter(text) {
            let Some(m) = c.get(0) else { continue };
            let annotations =
                text[annotations_start(code.bare(), m.start())..m.start()].to_string();
            let mut k = m.end();
            let mut ctor: Option<(usize, usize)> = None;
            let rest = &bare[k..];
            let trimmed = rest.trim_start();
            if src.syntax == Syntax::Kotlin && trimmed.starts_with('(') {
                let open = k + (rest.len() - trimmed.len());
                let close = code.close(open);
                ctor = Some((open, close));
                k = close;
            }
            let after = &bare[k..];
            let brace_rel = after
                .find(['{', ';', '\n'])
                .filter(|&p| after.as_bytes()[p] == b'{');
            let header = &text[k..k + brace_rel.unwrap_or(after.find('\n').unwrap_or(after.len()))];
            let base = {
                static EXTENDS: LazyLock<Regex> =
                    LazyLock::new(|| re(r"(?:\bextends\s+|:\s*)([A-Za-z_][\w.]*)"));
                EXTENDS
                    .captures(header)
                    .map(|b| b[1].rsplit('.').next().unwrap_or("").to_string())
            };
            let mut columns = Vec::new();
            let mut embedded = Vec::new();
            let mut read = |from: usize, to: usize, top_depth: i32| {
                let seg = &text[from..to];
                let depths = depth_map(&bare.as_bytes()[from..to]);
                if src.syntax == Syntax::Kotlin {
                    for p in KOTLIN_PROP.captures_iter(seg) {
                        let Some(pm) = p.get(0) else { continue };
                        if depths.get(pm.start()).copied().unwrap_or(0) != top_depth {
                            continue;
                        }
                        if let Some(col) = jvm_column(&p[1], &p[2], &p[3], &mut embedded) {
                            columns.push(col);
                        }
                    }
                } else {
                    for p in JAVA_FIELD.captures_iter(seg) {
                        let Some(pm) = p.get(0) else { continue };
                        let ty = p[2].trim();
                        if depths.get(pm.start()).copied().unwrap_or(0) != top_depth
                            || ty.starts_with("return")
                            || ty.contains("static ")
                            || p[0].contains(" static ")
                            || ty == "package"
                            || ty == "import"
                        {
                            continue;
                        }
                        if let Some(col) = jvm_column(&p[1], &p[3], ty, &mut embedded) {
                            columns.push(col);
                        }
                    }
                }
            };
            if let Some((o, cl)) = ctor {
                read(o, cl, 1);
            }
            if let Some(b) = brace_rel {
                let open = k + b;
                let close = code.close(open);
                read(open, close, 1);
            }
            classes.push(JvmClass {
                name: c[1].to_string(),
                source: i,
                at: m.start(),
                annotations,
                base,
                columns,
                embedded,
            });
        }
    }
    let by_name: HashMap<&str, &JvmClass> = classes.iter().map(|c| (c.name.as_str(), c)).collect();
    for class in &classes {
        if !class.annotations.contains("@Entity") || class.annotations.contains("@MappedSuperclass")
        {
            continue;
        }
        let mut columns = class.columns.clone();
        let mut implicit = false;
        for e in &class.embedded {
            if let Some(ec) = by_name.get(e.as_str()) {
                columns.extend(ec.columns.iter().cloned());
            }
        }
        let mut base = class.base.clone();
        let mut guard = 0;
        while let Some(b) = base {
            guard += 1;
            if guard > 16 {
                break;
            }
            match by_name.get(b.as_str()) {
                Some(bc) => {
                    columns.extend(bc.columns.iter().cloned());
                    for e in &bc.embedded {
                        if let Some(ec) = by_name.get(e.as_str()) {
                            columns.extend(ec.columns.iter().cloned());
                        }
                    }
                    base = bc.base.clone();
                }
                None => {
                    implicit |= external_timestamp_base(&b) || b == "AbstractAuditable";
                    break;
                }
            }
        }
        static TABLE: LazyLock<Regex> =
            LazyLock::new(|| re(r#"@(?:Table|Entity)\s*\([^)]*name\s*=\s*"([\w.]+)""#));
        let name = TABLE
            .captures(&class.annotations)
            .map_or_else(|| snake(&class.name), |c| c[1].to_string());
        let at = class.at;
        let mut t = ctx.table(class.source, &class.name, &name, "JPA", at);
        t.columns = columns;
        t.implicit_timestamps = implicit;
        out.push(t);
    }
}

fn depth_map(bare: &[u8]) -> Vec<i32> {
    let mut d = 0;
    bare.iter()
        .map(|&b| {
            let here = d;
            match b {
                b'{' | b'(' => d += 1,
                b'}' | b')' => d -= 1,
                _ => {}
            }
            // A declaration starts at the depth before its own brackets.
            if b == b'{' || b == b'(' { here } else { d }
        })
        .collect()
}

fn jvm_column(
    annotations: &str,
    name: &str,
    ty: &str,
    embedded: &mut Vec<String>,
) -> Option<Column> {
    let has = |a: &str| {
        annotations.contains(&format!("@{a}")) && {
            let p = annotations.find(&format!("@{a}")).unwrap_or(0) + a.len() + 1;
            annotations[p..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
        }
    };
    if has("Transient") || has("OneToMany") || has("ManyToMany") || has("ElementCollection") {
        return None;
    }
    if has("Embedded") {
        embedded.push(
            ty.split('<')
                .next()
                .unwrap_or(ty)
                .trim()
                .trim_end_matches('?')
                .to_string(),
        );
        return None;
    }
    static COL_NAME: LazyLock<Regex> =
        LazyLock::new(|| re(r#"@(?:Column|JoinColumn)\s*\([^)]*name\s*=\s*"(\w+)""#));
    let fk = has("ManyToOne") || has("OneToOne") || has("JoinColumn");
    let mut col_name = COL_NAME
        .captures(annotations)
        .map_or_else(|| snake(name), |c| c[1].to_string());
    if fk && !col_name.ends_with("_id") && !annotations.contains("@JoinColumn") {
        col_name = format!("{col_name}_id");
    }
    let mut col = Column::new(&col_name);
    col.fk = fk;
    col.auto_created = has("CreationTimestamp") || has("CreatedDate") || has("CreatedAt");
    col.auto_updated = has("UpdateTimestamp") || has("LastModifiedDate") || has("UpdatedAt");
    Some(col)
}

// --- the schema that migrations build --------------------------------------------------------

/// Tables as the migrations leave them: SQL files (and SQL strings in migration sources),
/// Alembic operations and Knex `createTable`, replayed in version order.
pub fn migration_tables(repo: &Repo) -> Vec<Table> {
    let prefix = repo.prefix.len();
    let mut files: Vec<(&str, &str, &str)> = repo
        .service_files()
        .filter_map(|f| {
            let rel = &f.path[prefix..];
            if f.is_vendored() || f.is_test() || super::is_auxiliary(rel) {
                return None;
            }
            let sql = rel.ends_with(".sql");
            let migration_source = in_migrations(rel)
                && matches!(
                    Syntax::of(rel),
                    Some(Syntax::Python | Syntax::Js | Syntax::Go | Syntax::Java | Syntax::Kotlin)
                );
            if !(sql || migration_source) || is_down_migration(rel) {
                return None;
            }
            Some((f.path.as_str(), rel, f.text()?))
        })
        .collect();
    files.sort_by(|a, b| natural_cmp(a.1, b.1));
    let mut tables: Vec<Table> = Vec::new();
    for (path, rel, text) in files {
        let text = up_section(text);
        replay_sql(path, rel, text, &mut tables);
        if rel.ends_with(".py") {
            replay_alembic(path, rel, text, &mut tables);
        }
        if rel.ends_with(".js") || rel.ends_with(".ts") {
            replay_knex(path, rel, text, &mut tables);
        }
    }
    tables
}

fn is_down_migration(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
    name.ends_with(".down.sql")
        || name == "down.sql"
        || name.starts_with('u') && name.contains("__")
}

/// The "up" half of a goose/dbmate migration.
fn up_section(text: &str) -> &str {
    for marker in [
        "-- +goose Down",
        "-- migrate:down",
        "--! Down",
        "-- +migrate Down",
    ] {
        if let Some(p) = text.find(marker) {
            return &text[..p];
        }
    }
    text
}

/// Compares paths with digit runs as numbers (`V2__` before `V10__`).
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return Ordering::Equal,
            (None, _) => return Ordering::Less,
            (_, None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let nx = x.iter().take_while(|c| c.is_ascii_digit()).count();
                let ny = y.iter().take_while(|c| c.is_ascii_digit()).count();
                let vx = std::str::from_utf8(&x[..nx])
                    .ok()
                    .and_then(|s| s.parse::<u128>().ok())
                    .unwrap_or(0);
                let vy = std::str::from_utf8(&y[..ny])
                    .ok()
                    .and_then(|s| s.parse::<u128>().ok())
                    .unwrap_or(0);
                match vx.cmp(&vy) {
                    Ordering::Equal => {
                        x = &x[nx..];
                        y = &y[ny..];
                    }
                    o => return o,
                }
            }
            (Some(p), Some(q)) => match p.cmp(q) {
                Ordering::Equal => {
                    x = &x[1..];
                    y = &y[1..];
                }
                o => return o,
            },
        }
    }
}

static SQL_CREATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)\bcreate\s+(?:unlogged\s+|temporary\s+|temp\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w."`\[\]]+)\s*\("#,
    )
});
static SQL_ALTER: LazyLock<Regex> = LazyLock::new(|| {
    re(r#"(?i)\balter\s+table\s+(?:if\s+exists\s+)?(?:only\s+)?([\w."`\[\]]+)\s+([^;]+)"#)
});
static SQL_DROP: LazyLock<Regex> =
    LazyLock::new(|| re(r#"(?i)\bdrop\s+table\s+(?:if\s+exists\s+)?([\w."`\[\], ]+)"#));

fn strip_sql_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.split("--").next().unwrap_or(""));
        out.push('\n');
    }
    out
}

fn replay_sql(path: &str, rel: &str, text: &str, tables: &mut Vec<Table>) {
    let lower_has = |w: &str| text.to_ascii_lowercase().contains(w);
    if !lower_has("table") {
        return;
    }
    let clean = strip_sql_comments(text);
    let mut events: Vec<(usize, u8)> = Vec::new();
    events.extend(SQL_CREATE.find_iter(&clean).map(|m| (m.start(), b'c')));
    events.extend(SQL_ALTER.find_iter(&clean).map(|m| (m.start(), b'a')));
    events.extend(SQL_DROP.find_iter(&clean).map(|m| (m.start(), b'd')));
    events.sort_unstable();
    for (at, kind) in events {
        let rest = &clean[at..];
        match kind {
            b'c' => {
                let Some(c) = SQL_CREATE.captures(rest) else {
                    continue;
                };
                let Some(m) = c.get(0) else { continue };
                let open = at + m.end() - 1;
                let close = close_bracket(clean.as_bytes(), open);
                let body = &clean[open + 1..close.saturating_sub(1).max(open + 1)];
                let name = table_key(&c[1]);
                tables.retain(|t| t.name != name);
                let mut t = Table {
                    name: name.clone(),
                    model: name,
                    kind: "SQL migration",
                    path: path.to_string(),
                    rel: rel.to_string(),
                    line: super::line_at(text, at),
                    columns: Vec::new(),
                    implicit_timestamps: false,
                };
                let mut fk_cols: Vec<String> = Vec::new();
                for part in split_top(body) {
                    let p = part.trim();
                    let lower = p.to_ascii_lowercase();
                    let first = lower.split_whitespace().next().unwrap_or("");
                    if matches!(
                        first,
                        "primary"
                            | "constraint"
                            | "unique"
                            | "check"
                            | "index"
                            | "key"
                            | "foreign"
                            | "exclude"
                            | "like"
                            | "fulltext"
                    ) {
                        if let Some(fp) = lower.find("foreign key") {
                            let after = &p[fp + 11..];
                            if let Some(o) = after.find('(') {
                                let cl = after[o..].find(')').unwrap_or(after.len() - o);
                                fk_cols.extend(after[o + 1..o + cl].split(',').map(table_key));
                            }
                        }
                        continue;
                    }
                    let Some(col_name) = p.split_whitespace().next() else {
                        continue;
                    };
                    let mut col = Column::new(&table_key(col_name));
                    col.fk = lower.contains(" references ");
                    col.auto_updated = lower.contains("on update current_timestamp");
                    t.columns.push(col);
                }
                for c in &mut t.columns {
                    if fk_cols.contains(&c.name) {
                        c.fk = true;
                    }
                }
                if !t.columns.is_empty() {
                    tables.push(t);
                }
            }
            b'a' => {
                let Some(c) = SQL_ALTER.captures(rest) else {
                    continue;
                };
                let name = table_key(&c[1]);
                let action = c[2].to_string();
                let Some(t) = tables.iter_mut().find(|t| t.name == name) else {
                    continue;
                };
                for clause in split_top(&action) {
                    let words: Vec<&str> = clause.split_whitespace().collect();
                    let lw: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
                    match lw.first().map(String::as_str) {
                        Some("add") => {
                            let mut k = 1;
                            if lw.get(k).map(String::as_str) == Some("column") {
                                k += 1;
                            }
                            if lw.get(k).map(String::as_str) == Some("if") {
                                k += 3;
                            }
                            if matches!(
                                lw.get(k).map(String::as_str),
                                Some(
                                    "constraint"
                                        | "primary"
                                        | "unique"
                                        | "foreign"
                                        | "check"
                                        | "index"
                                )
                            ) {
                                continue;
                            }
                            if let Some(w) = words.get(k) {
                                let mut col = Column::new(&table_key(w));
                                col.fk = clause.to_ascii_lowercase().contains(" references ");
                                t.columns.push(col);
                            }
                        }
                        Some("drop") => {
                            let mut k = 1;
                            if lw.get(k).map(String::as_str) == Some("column") {
                                k += 1;
                            }
                            if lw.get(k).map(String::as_str) == Some("if") {
                                k += 2;
                            }
                            if matches!(
                                lw.get(k).map(String::as_str),
                                Some("constraint" | "index" | "default")
                            ) {
                                continue;
                            }
                            if let Some(w) = words.get(k) {
                                let n = table_key(w);
                                t.columns.retain(|c| c.name != n);
                            }
                        }
                        Some("rename") => {
                            if lw.get(1).map(String::as_str) == Some("to") {
                                if let Some(w) = words.get(2) {
                                    t.name = table_key(w);
                                    t.model = t.name.clone();
                                }
                            } else {
                                let k = if lw.get(1).map(String::as_str) == Some("column") {
                                    2
                                } else {
                                    1
                                };
                                if let (Some(from), Some(to)) = (words.get(k), words.get(k + 2)) {
                                    let (from, to) = (table_key(from), table_key(to));
                                    for c in &mut t.columns {
                                        if c.name == from {
                                            c.name = to.clone();
                                        }
                                    }
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {
                let Some(c) = SQL_DROP.captures(rest) else {
                    continue;
                };
                for n in c[1].split(',') {
                    let n = table_key(n.split_whitespace().next().unwrap_or(""));
                    tables.retain(|t| t.name != n);
                }
            }
        }
    }
}

/// Splits at top-level commas.
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

fn replay_alembic(path: &str, rel: &str, text: &str, tables: &mut Vec<Table>) {
    static CREATE: LazyLock<Regex> = LazyLock::new(|| re(r#"op\.create_table\(\s*["'](\w+)["']"#));
    static ADD: LazyLock<Regex> = LazyLock::new(|| {
        re(r#"op\.add_column\(\s*["'](\w+)["']\s*,\s*(?:sa\.)?Column\(\s*["'](\w+)["']"#)
    });
    static DROP_T: LazyLock<Regex> = LazyLock::new(|| re(r#"op\.drop_table\(\s*["'](\w+)["']"#));
    static DROP_C: LazyLock<Regex> =
        LazyLock::new(|| re(r#"op\.drop_column\(\s*["'](\w+)["']\s*,\s*["'](\w+)["']"#));
    static COL: LazyLock<Regex> = LazyLock::new(|| re(r#"Column\(\s*["'](\w+)["']"#));
    // Only the upgrade() half.
    let up = match (text.find("def upgrade"), text.find("def downgrade")) {
        (Some(u), Some(d)) if d > u => &text[u..d],
        (Some(u), _) => &text[u..],
        _ => return,
    };
    let base = text.find(up).unwrap_or(0);
    for c in CREATE.captures_iter(up) {
        let Some(m) = c.get(0) else { continue };
        let open = m.start() + m.as_str().find('(').unwrap_or(0);
        let close = close_bracket(up.as_bytes(), open);
        let args = &up[open..close];
        let name = table_key(&c[1]);
        tables.retain(|t| t.name != name);
        let mut t = Table {
            name: name.clone(),
            model: name,
            kind: "Alembic migration",
            path: path.to_string(),
            rel: rel.to_string(),
            line: super::line_at(text, base + m.start()),
            columns: Vec::new(),
            implicit_timestamps: false,
        };
        for col in COL.captures_iter(args) {
            let Some(cm) = col.get(0) else { continue };
            let tail = &args[cm.end()..];
            let end = tail.find("Column(").unwrap_or(tail.len());
            let mut column = Column::new(&col[1]);
            column.fk = tail[..end].contains("ForeignKey");
            t.columns.push(column);
        }
        tables.push(t);
    }
    for c in ADD.captures_iter(up) {
        if let Some(t) = tables.iter_mut().find(|t| t.name == table_key(&c[1])) {
            t.columns.push(Column::new(&c[2]));
        }
    }
    for c in DROP_C.captures_iter(up) {
        if let Some(t) = tables.iter_mut().find(|t| t.name == table_key(&c[1])) {
            t.columns.retain(|x| x.name != c[2]);
        }
    }
    for c in DROP_T.captures_iter(up) {
        let n = table_key(&c[1]);
        tables.retain(|t| t.name != n);
    }
}

fn replay_knex(path: &str, rel: &str, text: &str, tables: &mut Vec<Table>) {
    static CREATE: LazyLock<Regex> = LazyLock::new(|| re(r#"\.createTable\(\s*["'](\w+)["']"#));
    static COL: LazyLock<Regex> = LazyLock::new(|| re(r#"\.\w+\(\s*["'](\w+)["']"#));
    let up = match (text.find("up"), text.find("down")) {
        (Some(u), Some(d)) if d > u => &text[..d],
        _ => text,
    };
    for c in CREATE.captures_iter(up) {
        let Some(m) = c.get(0) else { continue };
        let open = m.start() + m.as_str().find('(').unwrap_or(0);
        let close = close_bracket(up.as_bytes(), open);
        let args = &up[m.end()..close];
        let name = table_key(&c[1]);
        tables.retain(|t| t.name != name);
        let mut t = Table {
            name: name.clone(),
            model: name,
            kind: "Knex migration",
            path: path.to_string(),
            rel: rel.to_string(),
            line: super::line_at(text, m.start()),
            columns: Vec::new(),
            implicit_timestamps: args.contains(".timestamps("),
        };
        for col in COL.captures_iter(args) {
            let mut column = Column::new(&col[1]);
            column.fk = args.contains(&format!("'{}').references", &col[1]))
                || args.contains(&format!("\"{}\").references", &col[1]));
            t.columns.push(column);
        }
        tables.push(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised() {
        assert_eq!(snake("UserProfile"), "user_profile");
        assert_eq!(snake("HTTPLog"), "http_log");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("user_profile"), "user_profiles");
        assert_eq!(table_key("\"public\".\"Items\""), "items");
        assert_eq!(table_key("`orders`"), "orders");
    }

    #[test]
    fn annotations_with_braces_stay_whole() {
        let ts = "import x;\n@Entity({\n  name: 'user',\n})\nexport class User {}\n";
        let at = ts.find("export").unwrap_or(0);
        assert!(ts[annotations_start(ts, at)..at].contains("@Entity"));
        let java = "}\n@Entity\n@Table(name = \"t\", indexes = {@Index(columnList = \"a\")})\npublic class T {}";
        let at = java.find("public").unwrap_or(0);
        assert!(java[annotations_start(java, at)..at].contains("@Entity"));
    }

    #[test]
    fn migrations_sort_by_version_number() {
        let mut v = vec!["V10__a.sql", "V2__b.sql", "V1__c.sql"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, ["V1__c.sql", "V2__b.sql", "V10__a.sql"]);
    }

    #[test]
    fn sql_migrations_replay_creates_alters_and_drops() {
        let mut tables = Vec::new();
        replay_sql(
            "m/1.sql",
            "m/1.sql",
            "CREATE TABLE items (\n  id bigint PRIMARY KEY,\n  name text NOT NULL, -- x\n  created_at timestamptz DEFAULT now()\n);\nCREATE TABLE item_tags (item_id bigint REFERENCES items(id), tag_id bigint REFERENCES tags(id), PRIMARY KEY (item_id, tag_id));\nCREATE TABLE old (id int);\n",
            &mut tables,
        );
        replay_sql(
            "m/2.sql",
            "m/2.sql",
            "ALTER TABLE items ADD COLUMN updated_at timestamptz;\nDROP TABLE IF EXISTS old;\n",
            &mut tables,
        );
        assert_eq!(tables.len(), 2, "{tables:?}");
        let items = &tables[0];
        assert!(items.has_created() && items.has_updated(), "{items:?}");
        assert!(tables[1].is_join());
    }

    #[test]
    fn table_level_foreign_keys_make_join_tables() {
        let mut tables = Vec::new();
        replay_sql(
            "a.sql",
            "a.sql",
            "create table membership (\"user\" int not null, team int not null, primary key (\"user\", team), foreign key (\"user\") references users(id), foreign key (team) references teams(id));",
            &mut tables,
        );
        assert!(tables[0].is_join(), "{tables:?}");
    }
}
