#!/usr/bin/env bash
# Line by line against squawk 2.70: every finding squawk reports, for a rule where
# docs/comparison.md claims parity ("covered" or "covered (opt-in)"), that sqlgate does not
# report on the same statement with one of the mapped rules. Each such line is printed with
# its squawk rule, and the total per rule. A miss is explained by class when `auto_reason`
# below can tell why sqlgate is right not to report it (a down migration or down section; a
# table, view, column or function the same migration creates, replaces or empties; a statement
# that takes no lock reads and writes wait behind; a type change that keeps every value; ...),
# or by a row of `precision/squawk-misses.tsv` (`path`, `line`, `squawk rule`, `reason`).
# Classes that read history read the earlier up migrations of the same manifest directory, in
# natural order of their paths.
#
# Usage: scripts/squawk-lines.sh [CORPUS_DIR]   (default ../shared/corpus)
# Both tools run once on the same files (the PostgreSQL directories of the manifest), from an
# empty scratch directory, like scripts/compare-squawk.sh. Exit 1 while a miss is unexplained.
set -euo pipefail
name=squawk-lines
# shellcheck source=scripts/squawk-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/squawk-env.sh"
cd "$corpus"
files=()
mapfile -d '' -t files < <(find "${dirs[@]}" -type f -name '*.sql' -print0 | sort -z)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
# Relative paths on both sides; no config file is picked up (none in the corpus).
"$sqlgate" check --format json --select "all,$opt_in" -- "${dirs[@]}" >"$scratch/sqlgate.json" 2>/dev/null || true
"$squawk" --reporter json "${files[@]}" >"$scratch/squawk.json" 2>/dev/null || true

python3 - "$root/docs/comparison.md" "$scratch/sqlgate.json" "$scratch/squawk.json" \
    "$root/precision/squawk-misses.tsv" <<'PY'
import collections, csv, json, os, re, sys
doc, ours_path, theirs_path, explained_path = sys.argv[1:5]
parity = {}
section = ""
for line in open(doc):
    if line.startswith("## "):
        section = line[3:].strip()
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if section.startswith("squawk") and len(cells) == 4 and cells[2] in ("covered", "covered (opt-in)"):
        parity[cells[0]] = {c.strip() for c in cells[1].split(",")}
ours = collections.defaultdict(list)
for f in json.load(open(ours_path))["findings"]:
    ours[f["file"]].append((f["line"], f.get("end_line", f["line"]), f["code"], f["message"]))
explained = {}
if os.path.exists(explained_path):
    with open(explained_path) as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            explained[(row["path"], int(row["line"]), row["squawk rule"])] = row["reason"]

# The manifest's PostgreSQL directories (the working directory is the corpus) and their layouts.
layouts = {}
with open("manifest.tsv") as fh:
    for row in csv.DictReader(fh, delimiter="\t"):
        if row["dialect"] == "postgresql":
            layouts[row["dir"]] = row["layout"]

texts = {}
def lines_of(path):
    if path not in texts:
        try:
            texts[path] = open(path, encoding="utf-8", errors="replace").read().split("\n")
        except OSError:
            texts[path] = []
    return texts[path]

def blank(m):
    return re.sub(r"[^\n]", " ", m.group(0))

# Comments, string literals and dollar-quoted bodies, blanked (line breaks kept).
SKIPPED = re.compile(r"--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'|(\$[A-Za-z_]*\$).*?\1", re.S)
code_cache = {}
def code_of(path):
    """The file's SQL without comments, strings and function bodies, same lines."""
    if path not in code_cache:
        code_cache[path] = SKIPPED.sub(blank, "\n".join(lines_of(path)))
    return code_cache[path]

GOOSE = re.compile(r"^\s*--\s*\+goose\s+(up|down)\b", re.I)
DBMATE = re.compile(r"^\s*--\s*migrate:(up|down)\b", re.I)
marks_cache = {}
def down_section(path, line):
    """The line is in a goose (`-- +goose Down`) or dbmate (`-- migrate:down`) down section
    (of a file with an up marker, as sqlgate reads them)."""
    if path not in marks_cache:
        marks_cache[path] = [
            (i + 1, m.group(1).lower())
            for i, text in enumerate(lines_of(path))
            if (m := GOOSE.match(text) or DBMATE.match(text))
        ]
    marks = marks_cache[path]
    if not any(kind == "up" for _, kind in marks):
        return False
    before = [kind for at, kind in marks if at < line]
    return bool(before) and before[-1] == "down"

up_cache = {}
def up_code(path):
    """code_of(path) with its goose/dbmate down sections blanked: what the up runs."""
    if path not in up_cache:
        lines = code_of(path).split("\n")
        up_cache[path] = "\n".join("" if down_section(path, i + 1) else l for i, l in enumerate(lines))
    return up_cache[path]

# harness names some of its migrations `<n>_<name>_up.sql` / `_down.sql` (maragudk/migrate's
# pattern `^([\w-]+).down.sql` takes any character before `down.sql`).
DOWN = re.compile(r"(\.down\.sql$|/down\.sql$|_down\.sql$|/U[0-9][^/]*__[^/]*\.sql$)", re.I)

def natural(text):
    return [(0, int(t), "") if t.isdigit() else (1, 0, t.lower()) for t in re.split(r"(\d+)", text)]

dir_files = {}
def earlier_files(path):
    """The up migrations of the path's manifest directory that run before it (natural order)."""
    root = max((d for d in layouts if path.startswith(d + "/")), key=len, default=None)
    if root is None:
        return []
    if root not in dir_files:
        found = []
        for base, _, names in os.walk(root):
            found += [os.path.join(base, n) for n in names if n.endswith(".sql")]
        dir_files[root] = sorted((f for f in found if not DOWN.search(f)), key=natural)
    files = dir_files[root]
    return files[: files.index(path)] if path in files else []

NAME = r'(?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?'
TARGET = re.compile(
    r"\b(?:ALTER\s+TABLE(?:\s+IF\s+EXISTS)?(?:\s+ONLY)?|ON(?:\s+ONLY)?(?!\s+(?:DELETE|UPDATE|COMMIT)\b)|DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?|REFERENCES|PARTITION\s+OF)\s+(" + NAME + ")",
    re.I,
)
CREATE_REL = re.compile(
    r"\bCREATE\s+(OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+(IF\s+NOT\s+EXISTS\s+)?(" + NAME + ")",
    re.I,
)
RENAME_REL = re.compile(
    r"\bALTER\s+(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(" + NAME + r")\s+RENAME\s+TO\s+(" + NAME + ")",
    re.I,
)

def bare(name):
    return name.split(".")[-1].strip().strip('"').lower()

def offset_of_line(path, line):
    return sum(len(l) + 1 for l in lines_of(path)[: line - 1])

older_cache = {}
def created_in_earlier_files(path):
    """Tables and views that earlier migrations of the directory create."""
    if path not in older_cache:
        older_cache[path] = {bare(m.group(3)) for f in earlier_files(path) for m in CREATE_REL.finditer(up_code(f))}
    return older_cache[path]

def new_before(path, line):
    """Tables and views the migration creates before the line (renamed ones under their new
    name). `IF NOT EXISTS` and `OR REPLACE` count only for a name no earlier migration created."""
    code = code_of(path)[: offset_of_line(path, line)]
    older = created_in_earlier_files(path)
    events = [(m.start(), "create", m) for m in CREATE_REL.finditer(code)]
    events += [(m.start(), "rename", m) for m in RENAME_REL.finditer(code)]
    new = set()
    for _, kind, m in sorted(events, key=lambda e: e[0]):
        if kind == "create":
            name = bare(m.group(3))
            if not ((m.group(1) or m.group(2)) and name in older):
                new.add(name)
        elif bare(m.group(1)) in new:
            new.discard(bare(m.group(1)))
            new.add(bare(m.group(2)))
    return new

def created_before(path, line, text):
    """The table the statement names was created earlier in the same file (a new table:
    sqlgate's lock and destruction rules judge the table's age)."""
    m = TARGET.search(text)
    return m is not None and bare(m.group(1)) in new_before(path, line)

def locked_names(text):
    """The tables a statement names: the altered, indexed, dropped or truncated ones (every one
    of a list) and those it references or attaches to."""
    names = {bare(m.group(1)) for m in TARGET.finditer(text)}
    listed = re.match(r"\s*(?:DROP\s+TABLE(?:\s+IF\s+EXISTS)?|TRUNCATE(?:\s+TABLE)?(?:\s+ONLY)?)\s+([^;]*)", text, re.I)
    if listed:
        items = re.sub(r"\b(?:CASCADE|RESTRICT|RESTART\s+IDENTITY|CONTINUE\s+IDENTITY)\b", "", listed.group(1), flags=re.I)
        names |= {bare(i) for i in top_level_items(items) if i}
    return names

def all_locked_new(path, line, text):
    """Every table the statement names (the altered or indexed one, and those it references or
    attaches to) was created earlier in the same file."""
    names = locked_names(text)
    return bool(names) and names <= new_before(path, line)

# Statements that take no lock a read or a write waits behind (checked on PostgreSQL 15 with
# pg_locks): CONCURRENTLY index builds and drops, COMMENT ON, publications and index renames
# take SHARE UPDATE EXCLUSIVE; the others lock no table at all. With CASCADE a drop can reach
# tables (a function's triggers, a type's columns): those are not in the class.
SHARE_UPDATE_EXCLUSIVE = re.compile(
    r"\s*(?:CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY|DROP\s+INDEX\s+CONCURRENTLY|COMMENT\s+ON"
    r"|(?:CREATE|ALTER)\s+PUBLICATION|ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?" + NAME + r"\s+RENAME\s+TO)\b",
    re.I,
)
NO_TABLE = re.compile(
    r"\s*(?:(?:CREATE(?:\s+OR\s+REPLACE)?|ALTER|DROP)\s+(?:FUNCTION|PROCEDURE|AGGREGATE|TYPE|EVENT\s+TRIGGER)"
    r"|CREATE\s+(?:SCHEMA|EXTENSION|SEQUENCE|DOMAIN|ROLE)|DROP\s+EXTENSION|ALTER\s+(?:ROLE|DEFAULT\s+PRIVILEGES)|GRANT|REVOKE)\b",
    re.I,
)
NEW_RELATION = re.compile(
    r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?(?:TABLE|VIEW|MATERIALIZED\s+VIEW)\b",
    re.I,
)

def code_lines(path, first, last):
    """Lines first..last (from 1) of the file's SQL without comments, strings and bodies."""
    return "\n".join(code_of(path).split("\n")[first - 1 : last])

def lock_reason(path, line, end, text):
    if SHARE_UPDATE_EXCLUSIVE.match(text):
        return "takes at most SHARE UPDATE EXCLUSIVE (CONCURRENTLY, COMMENT ON, publication, index rename): reads and writes do not queue behind it"
    if NO_TABLE.match(text) and not re.search(r"\bCASCADE\b", code_lines(path, line, end), re.I):
        return "locks no table (function, type, schema, extension, role or privilege DDL): queries do not queue behind it"
    m = CREATE_REL.match(text.lstrip())
    if m and NEW_RELATION.match(text):
        name = bare(m.group(3))
        # A replaced view is locked ACCESS EXCLUSIVE; the tables a new one references
        # (REFERENCES takes SHARE ROW EXCLUSIVE) or attaches to (PARTITION OF) must be new too.
        replaced = m.group(1) and name in created_in_earlier_files(path)
        view = re.match(r"\s*CREATE\s+(?:OR\s+REPLACE\s+)?(?:MATERIALIZED\s+)?VIEW\b", text, re.I)
        others = set() if view else {bare(r.group(1)) for r in TARGET.finditer(text)} - {name}
        if not replaced and others <= new_before(path, line):
            return "creates a new object and locks no existing table"
    if all_locked_new(path, line, text):
        return "every table it locks is created earlier in the same migration"
    return None

VARCHAR = ("varchar", "character varying")
def parse_type(text):
    """(name, length or None, has modifiers, array) of a written type, e.g. `VARCHAR(40)`."""
    t = re.sub(r"\s+", " ", text.strip().lower())
    array = t.endswith("[]")
    t = t.removesuffix("[]").strip()
    m = re.match(r"([a-z_ ]+?)\s*(?:\((\d+)\)|\(([^)]*)\))?$", t)
    if not m:
        return None
    name = m.group(1).strip()
    name = "varchar" if name in VARCHAR else name
    return name, int(m.group(2)) if m.group(2) else None, bool(m.group(2) or m.group(3)), array

def keeps_every_value(old, new):
    """sqlgate's DS011 exemption: the same type, a longer or unbounded varchar, varchar to text."""
    if old is None or new is None or old[3] != new[3]:
        return False
    same = old[0] == new[0] and ((not old[2] and not new[2]) or (old[1] is not None and old[1] == new[1]))
    widened = old[0] == new[0] == "varchar" and (
        (new[1] is None and not new[2]) or (old[1] is not None and new[1] is not None and new[1] >= old[1])
    )
    to_text = old[0] in ("varchar", "text") and new[0] == "text" and not new[2]
    return same or widened or to_text

TYPE_END = r"(?=\s+(?:NOT|NULL|DEFAULT|PRIMARY|UNIQUE|REFERENCES|CHECK|CONSTRAINT|COLLATE|GENERATED|USING)\b|\s*[,;]|\s*$)"

def top_level_items(body):
    items, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            items.append(body[start:i])
            start = i + 1
    items.append(body[start:])
    return [i.strip() for i in items]

def generated(definition):
    """A generated column (`GENERATED ALWAYS AS (expr)`), not an identity."""
    return bool(re.search(r"\bGENERATED\s+ALWAYS\s+AS\s*\(", definition, re.I))

def column_history(path, line, table, column):
    """(type, not null, generated) of table.column as the earlier migrations and the statements before
    the line leave it, read from CREATE TABLE and ALTER TABLE; None when unknown."""
    state = None
    sources = [up_code(f) for f in earlier_files(path)] + [code_of(path)[: offset_of_line(path, line)]]
    ident = lambda n: n.strip().strip('"').lower()
    for code in sources:
        for statement in code.split(";"):
            s = statement.strip()
            m = re.match(r"CREATE\s+(?:UNLOGGED\s+)?TABLE\s+(IF\s+NOT\s+EXISTS\s+)?(" + NAME + r")\s*\((.*)\)", s, re.I | re.S)
            if m and bare(m.group(2)) == table:
                if m.group(1) and state is not None:
                    continue
                state = None
                for item in top_level_items(m.group(3)):
                    c = re.match(r'("[^"]+"|\w+)\s+(.*)', item, re.S)
                    if c and ident(c.group(1)) == column:
                        t = re.match(r"(.*?)" + TYPE_END, c.group(2), re.I | re.S)
                        state = (t.group(1) if t else c.group(2), bool(re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", item, re.I)), generated(item))
                continue
            m = re.match(r"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(" + NAME + r")\s+(.*)", s, re.I | re.S)
            if m and bare(m.group(1)) == table:
                for action in top_level_items(m.group(2)):
                    a = re.match(r'ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("[^"]+"|\w+)\s+(.*)', action, re.I | re.S)
                    if a and ident(a.group(1)) == column and a.group(1).lower() not in ("constraint", "primary", "unique", "foreign", "check"):
                        t = re.match(r"(.*?)" + TYPE_END, a.group(2), re.I | re.S)
                        state = (t.group(1) if t else a.group(2), bool(re.search(r"\bNOT\s+NULL\b|\bPRIMARY\s+KEY\b", action, re.I)), generated(action))
                        continue
                    a = re.match(r'ALTER\s+(?:COLUMN\s+)?("[^"]+"|\w+)\s+(.*)', action, re.I | re.S)
                    if a and ident(a.group(1)) == column and state is not None:
                        rest = a.group(2)
                        t = re.match(r"(?:SET\s+DATA\s+)?TYPE\s+(.*?)" + TYPE_END, rest, re.I | re.S)
                        if t:
                            state = (t.group(1), state[1], state[2])
                        elif re.match(r"SET\s+NOT\s+NULL", rest, re.I):
                            state = (state[0], True, state[2])
                        elif re.match(r"DROP\s+EXPRESSION", rest, re.I):
                            state = (state[0], state[1], False)
                        elif re.match(r"DROP\s+NOT\s+NULL", rest, re.I):
                            state = (state[0], False, state[2])
                        continue
                    a = re.match(r'DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?("[^"]+"|\w+)', action, re.I)
                    if a and ident(a.group(1)) == column:
                        state = None
                    a = re.match(r'RENAME\s+(?:COLUMN\s+)?("[^"]+"|\w+)\s+TO\s+("[^"]+"|\w+)', action, re.I)
                    if a and column in (ident(a.group(1)), ident(a.group(2))):
                        state = None  # followed no further
            m = re.match(r"DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(" + NAME + ")", s, re.I)
            if m and bare(m.group(1)) == table:
                state = None
    return state

def whole_statement(path, line):
    """The statement that starts on the line, to its `;` (comments, strings and bodies blanked)."""
    code = code_of(path)[offset_of_line(path, line) :]
    return code.split(";", 1)[0]

def altered_table(text):
    m = re.match(r"\s*ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(" + NAME + ")", text, re.I)
    return bare(m.group(1)) if m else None

def type_changes(path, start, end):
    """The `ALTER COLUMN c TYPE t` actions on squawk's lines: (column, type, USING)."""
    code = "\n".join(code_of(path).split("\n")[start - 1 : end])
    return [
        (m.group(1).strip('"').lower(), m.group(2), bool(m.group(3)))
        for m in re.finditer(r'ALTER\s+(?:COLUMN\s+)?("[^"]+"|\w+)\s+(?:SET\s+DATA\s+)?TYPE\s+(.*?)' + TYPE_END + r"(\s+USING\b)?", code, re.I | re.S)
    ]

def added_before(path, line, table, column):
    """The column is added to the table earlier in the same file."""
    code = code_of(path)[: offset_of_line(path, line)]
    for m in re.finditer(r"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(" + NAME + r")\s+([^;]*)", code, re.I):
        if bare(m.group(1)) == table and any(
            (a := re.match(r'ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?("[^"]+"|\w+)', x, re.I)) and a.group(1).strip('"').lower() == column
            for x in top_level_items(m.group(2))
        ):
            return True
    return False

def long_names_created_earlier(path, start, end):
    """Every identifier over 63 bytes on squawk's lines is one sqlgate reports (ST008) where an
    earlier statement of the file creates it: here it is only referred to."""
    code = " ".join(lines_of(path)[start - 1 : end])
    long = {n for pair in re.findall(r'"([^"]+)"|([\w$]+)', code) for n in pair if len(n.encode()) > 63}
    reported = [(line, msg) for line, _, c, msg in ours[path] if c == "ST008" and line < start]
    return bool(long) and all(any(f" {n} " in f" {msg} " for _, msg in reported) for n in long)

def no_comments(path):
    """The file without comments (function and DO bodies kept)."""
    return re.sub(r"--[^\n]*|/\*.*?\*/", blank, "\n".join(lines_of(path)), flags=re.S)

TYPE_WORDS = r"(?:double|character|char|varchar|bit|timestamp|time|interval|national)$"
ALIASES = {"int": "integer", "int4": "integer", "int8": "bigint", "int2": "smallint", "bool": "boolean",
           "varchar": "character varying", "timestamptz": "timestamp with time zone", "float8": "double precision"}

def param_types(params):
    """A parameter list's input types, lower-cased, each with whether it has a default."""
    out = []
    for item in top_level_items(params or ""):
        if not item:
            continue
        has_default = bool(re.search(r"\bDEFAULT\b|=", item, re.I))
        words = re.split(r"\bDEFAULT\b|=", item, flags=re.I)[0].replace('"', "").lower().split()
        if words and words[0] == "out":
            continue
        if words and words[0] in ("in", "inout", "variadic"):
            words = words[1:]
        if len(words) > 1 and not re.match(TYPE_WORDS, words[0]):
            words = words[1:]
        name = " ".join(words).removeprefix("pg_catalog.")
        out.append((ALIASES.get(name, name), has_default))
    return out

def paren_group(text, at):
    """The text inside the parentheses opening at `at`."""
    depth = 0
    for i in range(at, len(text)):
        depth += text[i] == "("
        depth -= text[i] == ")"
        if depth == 0:
            return text[at + 1 : i]
    return None

DROPPED = re.compile(r"\s*DROP\s+(FUNCTION|PROCEDURE|AGGREGATE|VIEW|MATERIALIZED\s+VIEW|EXTENSION|TYPE|DOMAIN|SEQUENCE)\s+(?:IF\s+EXISTS\s+)?", re.I)
KINDS = {"function": r"(?:FUNCTION|PROCEDURE|AGGREGATE)", "procedure": r"(?:FUNCTION|PROCEDURE|AGGREGATE)",
         "aggregate": r"(?:FUNCTION|PROCEDURE|AGGREGATE)", "view": r"(?:MATERIALIZED\s+)?VIEW",
         "materialized view": r"(?:MATERIALIZED\s+)?VIEW", "extension": "EXTENSION", "type": "TYPE",
         "domain": "DOMAIN", "sequence": "SEQUENCE"}

def dropped_objects(text):
    """(kind, name, argument types or None) of each object a DROP names."""
    m = DROPPED.match(text)
    if not m:
        return None
    kind = re.sub(r"\s+", " ", m.group(1).lower())
    rest = re.sub(r"\b(?:CASCADE|RESTRICT)\b|;", " ", text[m.end() :], flags=re.I)
    out = []
    for item in top_level_items(rest):
        n = re.match(r"(" + NAME + r")\s*(\(.*\))?\s*$", item, re.S)
        if not n:
            return None
        args = param_types(n.group(2)[1:-1]) if n.group(2) else None
        out.append((kind, n.group(1), [t for t, _ in args] if args is not None else None))
    return out

def same_name(a, b):
    """Two written names are the same object: the same name, and the same schema where both
    give one."""
    a, b = [[p.strip().strip('"').lower() for p in n.split(".")] for n in (a, b)]
    return a[-1] == b[-1] and (len(a) == 1 or len(b) == 1 or a[0] == b[0])

def creations(text, kind, name):
    """(position, input parameters or None) of each CREATE of that kind and name in the text."""
    pattern = re.compile(
        r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:TRUSTED\s+)?" + KINDS[kind] + r"\s+(?:IF\s+NOT\s+EXISTS\s+)?(" + NAME + r")\s*(\()?", re.I
    )
    out = []
    for m in pattern.finditer(text):
        if same_name(m.group(1), name):
            out.append((m.start(), param_types(paren_group(text, m.start(2))) if m.group(2) else None))
    return out

def replaced(path, start, end, text):
    """How the same file replaces each object the DROP names: "later" when it creates it again
    under the same name after the DROP (a function dropped by its argument types: with
    parameters that still take those arguments, the same leading types and any further ones
    with a default); "overload" when, for a function, such a CREATE comes before the DROP (an
    overload that every call of the dropped one still finds); None otherwise."""
    dropped = dropped_objects(text)
    if not dropped:
        return None
    source = no_comments(path)
    before, after = offset_of_line(path, start), offset_of_line(path, end + 1)
    def takes(old, new):
        return old is None or (
            new is not None and [t for t, _ in new[: len(old)]] == old and all(d for _, d in new[len(old) :])
        )
    how = set()
    for kind, name, args in dropped:
        found = [(at, params) for at, params in creations(source, kind, name) if takes(args, params)]
        if any(at >= after for at, _ in found):
            how.add("later")
        elif args is not None and any(at < before for at, _ in found):
            how.add("overload")
        else:
            return None
    return "overload" if "overload" in how else "later"

def created_earlier(path, start, text):
    """Each object the DROP names is created earlier in the same file (with the same argument
    types), and no earlier migration creates anything of that name."""
    dropped = dropped_objects(text)
    if not dropped:
        return False
    source = no_comments(path)
    before = offset_of_line(path, start)
    older = "\n".join(
        "\n".join(l for i, l in enumerate(no_comments(f).split("\n")) if not down_section(f, i + 1))
        for f in earlier_files(path)
    )
    return all(
        not creations(older, kind, name)
        and any(at < before and (args is None or [t for t, _ in (params or [])] == args) for at, params in creations(source, kind, name))
        for kind, name, args in dropped
    )

def emptied_before(path, line, table):
    """The file empties the table before the line (TRUNCATE, DELETE without WHERE) and writes
    nothing to it after that."""
    code = code_of(path)[: offset_of_line(path, line)]
    emptied = None
    for statement in re.finditer(r"[^;]+", code):
        s = statement.group(0).strip()
        t = re.match(r"TRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(.*)", s, re.I | re.S)
        if t and any(bare(n) == table for n in top_level_items(re.sub(r"\b(?:CASCADE|RESTRICT|RESTART\s+IDENTITY|CONTINUE\s+IDENTITY)\b", "", t.group(1), flags=re.I))):
            emptied = True
        d = re.match(r"DELETE\s+FROM\s+(?:ONLY\s+)?(" + NAME + r")\s*$", s, re.I)
        if d and bare(d.group(1)) == table:
            emptied = True
        w = re.match(r"(?:INSERT\s+INTO|COPY|UPDATE)\s+(?:ONLY\s+)?(" + NAME + ")", s, re.I)
        if w and bare(w.group(1)) == table:
            emptied = False
    return bool(emptied)

def auto_reason(path, start, end, rule):
    if DOWN.search(path):
        return "down migration: only the RV rules check downs"
    if down_section(path, start):
        return "down section of a goose/dbmate file: only the RV rules check downs"
    # From the end of the previous statement: squawk may point at a clause's line
    # (`ADD CONSTRAINT ...` under `ALTER TABLE ONLY x`).
    lines = lines_of(path)
    first = start - 1
    while first > 0 and not lines[first - 1].rstrip().endswith(";"):
        first -= 1
    text = re.sub(r"/\*.*?\*/", " ", " ".join(re.sub(r"--.*", "", l) for l in lines[first:end]), flags=re.S)
    if rule == "require-lock-timeout":
        return lock_reason(path, first + 1, end, text)
    if rule == "identifier-too-long" and long_names_created_earlier(path, start, end):
        return "a long name only referred to here: sqlgate reports it (ST008) where the file creates it"
    if rule == "prefer-bigint-over-int":
        written = " ".join(lines[start - 1 : end])
        if re.search(r"\b(?:int|integer|int4)\s*\[\s*\]", written, re.I) and not re.search(r"\b(?:int|integer|int4|serial|serial4)\b(?!\s*\[)", written, re.I):
            return "an integer array: ST004 flags keys and counters, not array elements"
    if rule == "ban-uncommitted-transaction" and any(
        c == "TX002" and s <= end and start <= e and "already wraps" in msg for s, e, c, msg in ours[path]
    ):
        return "the framework runs the migration in its own transaction and commits it: sqlgate reports this BEGIN as nested (TX002)"
    if rule == "transaction-nesting" and re.match(r"\s*(?:COMMIT|END)\s*;?\s*$", text, re.I):
        root = max((d for d in layouts if path.startswith(d + "/")), key=len, default="")
        if layouts.get(root) in ("golang-migrate", "prisma") and not re.search(r"\b(?:BEGIN|START\s+TRANSACTION)\s*;", code_of(path)[: offset_of_line(path, start)], re.I):
            return "sent as one query, the file runs in an implicit transaction: this COMMIT commits it (PostgreSQL only warns); TX002 accepts it"
    table = altered_table(text)
    if rule == "adding-not-nullable-field" and table:
        if re.search(r"\bALTER\s+(?:COLUMN\s+)?\S+\s+(?:SET\s+DATA\s+)?TYPE\b", whole_statement(path, first + 1), re.I):
            return "the same ALTER TABLE changes a column's type, which rewrites the table and checks NOT NULL as it goes: no scan of its own (LK006)"
        columns = re.findall(r'ALTER\s+(?:COLUMN\s+)?("[^"]+"|\w+)\s+SET\s+NOT\s+NULL', text, re.I)
        states = [column_history(path, first + 1, table, c.strip('"').lower()) for c in columns]
        if states and all(s is not None and s[1] for s in states):
            return "the column is already NOT NULL as earlier migrations left it: nothing to scan"
    if rule == "changing-column-type" and table:
        changes = type_changes(path, start, end)
        if changes and all(
            not using and keeps_every_value(parse_type((column_history(path, first + 1, table, c) or ("", False, False))[0]), parse_type(t))
            for c, t, using in changes
        ):
            return "keeps every value and rewrites nothing (same type, longer varchar, varchar to text) from the column's earlier type: DS011 skips it"
    if rule == "renaming-column" and table:
        renamed = re.findall(r'RENAME\s+(?:COLUMN\s+)?("[^"]+"|\w+)\s+TO\b', text, re.I)
        if renamed and all(added_before(path, first + 1, table, c.strip('"').lower()) for c in renamed):
            return "the renamed column is added earlier in the same migration: no running code uses it yet"
    if rule == "adding-field-with-default" and re.search(
        r"\bDEFAULT\s+\(*\s*(?:now\s*\(\s*\)|current_timestamp|current_date|localtimestamp|transaction_timestamp\s*\(\s*\))\s*\)*\s*(?:[,;]|$|NOT\b|NULL\b)", text, re.I
    ):
        return "a stable default (now()), evaluated once: metadata-only since PostgreSQL 11, no rewrite"
    if rule.startswith("ban-drop-") and created_earlier(path, first + 1, text):
        return "the dropped object is created earlier in the same migration (same name and arguments)"
    how = replaced(path, first + 1, end, text) if rule.startswith("ban-drop-") else None
    if how == "overload":
        return "the migration first creates an overload of the same name whose parameters take the dropped function's arguments (the others have defaults): every call still finds a function"
    if how == "later":
        cascade = re.search(r"\bCASCADE\b", code_lines(path, first + 1, end), re.I)
        if not cascade:
            objects = dropped_objects(text)
            if objects[0][0] in ("function", "procedure", "aggregate"):
                if all(args is not None for _, _, args in objects):
                    return "the same migration creates the function again, taking the same arguments (any further ones with defaults): a replacement, DS009 does not report it"
                return "the same migration creates a function of that name again: a replacement, DS009 does not report it"
            return "the same migration creates it again under the same name: a replacement, DS009 does not report it"
        if any(c == "DS006" and s <= end and first + 1 <= e for s, e, c, _ in ours[path]):
            return "the same migration creates it again under the same name (DS009 takes it as a replacement); what its CASCADE drops besides is reported as DS006"
    if rule == "ban-drop-column" and table:
        dropped = re.findall(r'DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?("[^"]+"|\w+)', code_lines(path, start, end), re.I)
        states = [column_history(path, first + 1, table, c.strip('"').lower()) for c in dropped]
        if states and all(s is not None and s[2] for s in states):
            return "a generated column: its values are computed from other columns, dropping it loses no data (DS002)"
    if rule == "changing-column-type" and table and emptied_before(path, first + 1, table):
        return "the migration empties the table first (TRUNCATE or DELETE without WHERE): no rows to rewrite (DS011)"
    if created_before(path, first + 1, text):
        return "the table is created earlier in the same migration"
    return None

misses = collections.defaultdict(list)
known = collections.Counter()
auto = collections.Counter()
total = collections.Counter()
for f in json.load(open(theirs_path)):
    rule = f["rule_name"]
    if rule not in parity:
        continue
    total[rule] += 1
    # squawk counts lines from 0 and spans the statement; sqlgate from 1.
    start, end = f["line"] + 1, f.get("line_end", f["line"]) + 1
    hit = any(code in parity[rule] and s <= end and start <= e for s, e, code, _ in ours[f["file"]])
    if hit:
        continue
    key = (f["file"], start, rule)
    reason = auto_reason(f["file"], start, end, rule)
    if reason:
        auto[(rule, reason)] += 1
    elif key in explained:
        known[rule] += 1
    else:
        misses[rule].append(f"{f['file']}:{start}")
print(f"{'squawk rule':42} {'squawk':>6} {'by class':>8} {'listed':>6} {'missed':>6}")
for rule in sorted(total):
    by_class = sum(n for (r, _), n in auto.items() if r == rule)
    print(f"{rule:42} {total[rule]:>6} {by_class:>8} {known[rule]:>6} {len(misses[rule]):>6}")
print()
print("explained by class:")
for (rule, reason), n in sorted(auto.items()):
    print(f"  {rule}: {n} ({reason})")
unexplained = sum(len(v) for v in misses.values())
for rule in sorted(misses):
    for where in misses[rule]:
        print(f"  {rule}: {where}")
print(f"unexplained misses: {unexplained}")
sys.exit(1 if unexplained else 0)
PY
