//! What replay reads from the catalog around each statement: the tables with their storage
//! file and a signature of their shape (to see rewrites, and which tables a statement created
//! or altered), and the relation locks the replay's own backend holds.

use std::collections::BTreeMap;

use postgres::Client;

/// Schemas that are PostgreSQL's own: never observed.
const SYSTEM_SCHEMAS: &str = "n.nspname not in ('pg_catalog', 'information_schema') \
     and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp\\_%'";

/// A table as the catalog shows it at one moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableState {
    /// `schema.name`, quoted where PostgreSQL would need it (`format('%I.%I')`).
    pub name: String,
    pub schema: String,
    /// The storage file: a new one means the table was rewritten (or truncated).
    pub relfilenode: i64,
    pub rls: bool,
    pub policies: i64,
    /// A digest of the columns (name, type, nullability, default), RLS flags and policies:
    /// when it changes, the statement altered the table.
    pub signature: String,
}

/// Every ordinary and partitioned table outside the system schemas, by OID.
pub fn tables(client: &mut Client) -> Result<BTreeMap<u32, TableState>, postgres::Error> {
    // One query for all tables: replay runs it after every statement, so it must stay cheap
    // (a few milliseconds for hundreds of tables).
    let sql = format!(
        "select c.oid, format('%I.%I', n.nspname, c.relname), n.nspname, c.relfilenode::int8, \
                c.relrowsecurity, \
                (select count(*) from pg_policy p where p.polrelid = c.oid), \
                md5(concat_ws('|', \
                    (select string_agg(concat_ws(':', a.attname, format_type(a.atttypid, a.atttypmod), \
                                                 a.attnotnull, pg_get_expr(d.adbin, d.adrelid)), \
                                       ',' order by a.attname) \
                       from pg_attribute a \
                       left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum \
                      where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped), \
                    c.relrowsecurity, c.relforcerowsecurity, \
                    (select string_agg(concat_ws(':', p.polname, p.polcmd, p.polpermissive, \
                                                 p.polroles::text, pg_get_expr(p.polqual, p.polrelid), \
                                                 pg_get_expr(p.polwithcheck, p.polrelid)), \
                                       ',' order by p.polname) \
                       from pg_policy p where p.polrelid = c.oid))) \
           from pg_class c join pg_namespace n on n.oid = c.relnamespace \
          where c.relkind in ('r', 'p') and {SYSTEM_SCHEMAS}"
    );
    let mut out = BTreeMap::new();
    for row in client.query(sql.as_str(), &[])? {
        let oid: u32 = row.try_get(0)?;
        out.insert(
            oid,
            TableState {
                name: row.try_get(1)?,
                schema: row.try_get(2)?,
                relfilenode: row.try_get(3)?,
                rls: row.try_get(4)?,
                policies: row.try_get(5)?,
                signature: row.try_get::<_, Option<String>>(6)?.unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

/// The OIDs of every relation outside the system schemas (tables, indexes, sequences,
/// views): the relations that "existed before the migration" for the lock report.
pub fn relations(client: &mut Client) -> Result<BTreeMap<u32, String>, postgres::Error> {
    let sql = format!(
        "select c.oid, format('%I.%I', n.nspname, c.relname) \
           from pg_class c join pg_namespace n on n.oid = c.relnamespace where {SYSTEM_SCHEMAS}"
    );
    let mut out = BTreeMap::new();
    for row in client.query(sql.as_str(), &[])? {
        out.insert(row.try_get(0)?, row.try_get(1)?);
    }
    Ok(out)
}

/// The relation locks this backend holds, granted: (relation OID, mode). Inside a
/// transaction they accumulate until it ends, so the caller compares with the previous set.
pub fn locks(client: &mut Client) -> Result<Vec<(u32, String)>, postgres::Error> {
    let rows = client.query(
        "select relation, mode from pg_locks \
          where pid = pg_backend_pid() and locktype = 'relation' and granted \
            and relation is not null",
        &[],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push((row.try_get(0)?, row.try_get(1)?));
    }
    Ok(out)
}

/// The number of rows of a table (`name` as `tables` gives it: already quoted).
pub fn row_count(client: &mut Client, name: &str) -> Result<i64, postgres::Error> {
    let row = client.query_one(format!("select count(*) from {name}").as_str(), &[])?;
    row.try_get(0)
}
