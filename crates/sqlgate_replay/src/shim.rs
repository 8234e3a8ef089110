//! The Supabase shim: roles, the `auth` and `storage` schemas, the `extensions` schema and
//! the platform's grants, so Supabase migrations replay on a vanilla PostgreSQL
//! (`supabase.sql`, applied once per scratch database before a Supabase set).

use postgres::Client;

/// The shim's SQL.
pub const SUPABASE: &str = include_str!("supabase.sql");

/// Applies the shim. Idempotent: a database that already has the platform (`supabase
/// start`) keeps its own objects.
pub fn apply_supabase(client: &mut Client) -> Result<(), postgres::Error> {
    client.batch_execute(SUPABASE)
}
