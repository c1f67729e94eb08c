//! 记录行 each registry and campaign table's row as it is first written: the
//! one place its columns are named. The form's single-row insert, the
//! import's rows and batches and the demo generator's bulk load all write
//! these structs, so a column added to a table is added here once and every
//! path writes it.
//!
//! A row holds the columns a new record is written with; columns the server
//! derives later (the findings' facts, `closure_month` …) keep their
//! defaults unless a writer derives them as it writes (the import judges a
//! problem's texts). An `id` of `None` is left to the database.

use crate::Result;
use crate::db::{Arg, Kind, Record, Tx};

/// A table and the columns an insert fills, in order.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub cols: &'static [&'static str],
}

impl Table {
    /// Most bound values in one statement (SQLite allows 32766, PostgreSQL 65535).
    const MAX_PARAMS: usize = 30_000;

    /// Rows per multi-row statement: what a batch is flushed by.
    pub fn rows_per_statement(&self) -> usize {
        (Self::MAX_PARAMS / self.cols.len()).clamp(1, 1000)
    }

    /// `INSERT INTO table (cols) VALUES (…), (…)` for `rows` rows. SQLite
    /// binds `?` by position; `$N` names it binds by looking the name up,
    /// which grows with the square of a long statement's values.
    pub fn insert_sql(&self, rows: usize, kind: Kind) -> String {
        let n = self.cols.len();
        let mut s = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.name,
            self.cols.join(", ")
        );
        let mut p = 0;
        for r in 0..rows {
            if r > 0 {
                s.push(',');
            }
            s.push('(');
            for c in 0..n {
                if c > 0 {
                    s.push(',');
                }
                p += 1;
                match kind {
                    Kind::Postgres => s.push_str(&format!("${p}")),
                    Kind::Sqlite => s.push('?'),
                }
            }
            s.push(')');
        }
        s
    }
}

/// A table's row: its columns, and its values in the same order.
pub trait Row {
    const TABLE: Table;
    /// Appends the row's values, one per column of [`Row::TABLE`].
    fn args(self, out: &mut Vec<Arg>);
}

/// Declares a row struct whose field names are its table's columns.
/// A record's version as first written: 1, the same as the tables'
/// default, unless a writer says otherwise (the demo writes a problem at the
/// version its timeline reached), so that a row nobody gave a version is
/// never written at 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(pub i64);

impl Version {
    pub const FIRST: Version = Version(1);
}

impl Default for Version {
    fn default() -> Self {
        Version::FIRST
    }
}

impl From<Version> for Arg {
    fn from(v: Version) -> Arg {
        Arg::from(v.0)
    }
}

macro_rules! row {
    ($(#[$m:meta])* $name:ident = $table:literal { $($(#[$fm:meta])* $f:ident : $t:ty),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default)]
        pub struct $name { $($(#[$fm])* pub $f: $t),* }

        impl Row for $name {
            const TABLE: Table = Table { name: $table, cols: &[$(stringify!($f)),*] };
            fn args(self, out: &mut Vec<Arg>) {
                $(out.push(Arg::from(self.$f));)*
            }
        }
    };
}

row!(
    /// 单位 a unit as first written. Its `path` names its own id, so a unit
    /// the database numbers is written with an empty path and given its path
    /// once its id is known.
    UnitRow = "units" {
        id: Option<i64>,
        parent_id: Option<i64>,
        path: String,
        depth: i64,
        name: String,
        kind: String,
        /// Category codes joined by `,`.
        categories: String,
        code: Option<String>,
        sort: i64,
        /// Starts at 1 (the table's default).
        version: Version,
        created_at: i64,
        updated_at: i64,
        lead_office: Option<String>,
    }
);

row!(
    /// 人员 an official as first written, the phone sealed.
    OfficialRow = "officials" {
        id: Option<i64>,
        unit_id: i64,
        /// The unit's path. The demo's bulk load leaves it empty (the
        /// table's default) for the statistics' rebuild to fill.
        unit_path: String,
        name: String,
        title: String,
        rank: String,
        phone_enc: Option<String>,
        active: bool,
        /// Starts at 1 (the table's default).
        version: Version,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// 事项 a service item as first written.
    ItemRow = "items" {
        id: Option<i64>,
        unit_id: i64,
        section_id: Option<i64>,
        name: String,
        item_type: String,
        power_category: String,
        service_object: String,
        handling_mode: String,
        channel: Option<String>,
        contact: Option<String>,
        note: Option<String>,
        materials: Option<i64>,
        time_limit_days: Option<i64>,
        steps: Option<i64>,
        trips: Option<i64>,
        online: Option<bool>,
        /// Starts at 1 (the table's default).
        version: Version,
        created_at: i64,
        updated_at: i64,
    }
);

row!(
    /// 流程要素历史 one recorded state of an item's process figures.
    ItemFiguresRow = "item_figures" {
        item_id: i64,
        materials: Option<i64>,
        time_limit_days: Option<i64>,
        steps: Option<i64>,
        trips: Option<i64>,
        online: Option<bool>,
        source: String,
        note: Option<String>,
        recorded_by: Option<i64>,
        recorded_at: i64,
    }
);

row!(
    /// 计划 a plan as first written.
    PlanRow = "plans" {
        id: Option<i64>,
        unit_id: i64,
        unit_path: String,
        region_id: i64,
        kind: String,
        mode: Option<String>,
        date: String,
        slot: String,
        place: String,
        window_unit_id: Option<i64>,
        place_note: Option<String>,
        status: String,
        cancel_reason: Option<String>,
        published_at: Option<i64>,
        activity_id: Option<i64>,
        /// Starts at 1 (the table's default); the demo writes a record's history.
        version: Version,
        created_by: Option<i64>,
        created_at: i64,
        updated_at: i64,
        import_key: Option<String>,
    }
);

row!(
    /// 活动记录 a walk as first written.
    ActivityRow = "activities" {
        id: Option<i64>,
        unit_id: i64,
        unit_path: String,
        region_id: i64,
        plan_id: Option<i64>,
        kind: String,
        mode: String,
        channel: Option<String>,
        trigger_kind: String,
        unannounced: bool,
        date: String,
        started: Option<String>,
        ended: Option<String>,
        place: Option<String>,
        content: Option<String>,
        visitors: i64,
        checked_items: i64,
        steps_done: String,
        notes: Option<String>,
        status: String,
        filed_on: Option<String>,
        filing_due: Option<String>,
        late: bool,
        version: Version,
        created_by: Option<i64>,
        created_at: i64,
        updated_at: i64,
        import_key: Option<String>,
        /// Its problems and needs as the findings count them, with `judged`
        /// true, when the writer counted them itself (a bulk load); otherwise
        /// 0 and NULL, for the findings to count.
        found: i64,
        judged: Option<bool>,
    }
);

row!(
    /// 问题 a problem as first written.
    ProblemRow = "problems" {
        id: Option<i64>,
        unit_id: i64,
        unit_path: String,
        region_id: i64,
        section_id: Option<i64>,
        activity_id: Option<i64>,
        item_id: Option<i64>,
        source: String,
        category: String,
        description: String,
        cause: Option<String>,
        urgent: bool,
        other_units: String,
        disposition: String,
        deadline: Option<String>,
        escalated_to: Option<String>,
        status: String,
        handler_id: Option<i64>,
        measures: Option<String>,
        effect: Option<String>,
        evidence_count: i64,
        verifier_id: Option<i64>,
        found_on: String,
        closed_on: Option<String>,
        review_due: Option<String>,
        reviewed_on: Option<String>,
        reopen_count: i64,
        version: Version,
        created_by: Option<i64>,
        created_at: i64,
        updated_at: i64,
        import_key: Option<String>,
        /// The findings' facts of its texts (findings.rs): the trivial
        /// keyword of its description, why its rectification reads empty,
        /// and that the policy's text rules have said so; and the month its
        /// closing is counted in (`stats_closure`, 整改率). A writer that
        /// leaves them empty leaves them to the findings' catch-up; the
        /// import fills them as it writes.
        shallow: Option<String>,
        perfunctory: Option<String>,
        judged: Option<bool>,
        closure_month: Option<String>,
    }
);

row!(
    /// 整改过程 one step of a problem's timeline.
    ProblemEventRow = "problem_events" {
        problem_id: i64,
        at: i64,
        actor_id: Option<i64>,
        actor: String,
        action: String,
        from_status: Option<String>,
        to_status: String,
        note: Option<String>,
    }
);

row!(
    /// 督办记录 one rung of one deadline's ladder, sent once.
    ReminderRow = "reminders" {
        duty: String,
        record_id: i64,
        due: String,
        rung: String,
        day: String,
        unit_id: i64,
        title: String,
        note: String,
        at: i64,
    }
);

row!(
    /// 站内消息 one message in one account's inbox.
    MessageRow = "messages" {
        user_id: i64,
        /// The rung it tells of; none for 催报 and 退回.
        reminder_id: Option<i64>,
        kind: String,
        title: String,
        body: String,
        link: Option<String>,
        day: String,
        at: i64,
    }
);

row!(
    /// 需求 a need as first written.
    NeedRow = "needs" {
        id: Option<i64>,
        unit_id: i64,
        unit_path: String,
        region_id: i64,
        activity_id: Option<i64>,
        problem_id: Option<i64>,
        raised_by: String,
        content: String,
        response: Option<String>,
        status: String,
        raised_on: String,
        closed_on: Option<String>,
        version: Version,
        created_by: Option<i64>,
        created_at: i64,
        updated_at: i64,
        import_key: Option<String>,
        /// True when the writer counted it on its activity's `found` itself
        /// (a bulk load); NULL for the findings to count.
        judged: Option<bool>,
    }
);

row!(
    /// 整改措施 a measure as first written.
    MeasureRow = "measures" {
        id: Option<i64>,
        unit_id: i64,
        unit_path: String,
        region_id: i64,
        problem_id: Option<i64>,
        need_id: Option<i64>,
        activity_id: Option<i64>,
        content: String,
        deadline: Option<String>,
        done_on: Option<String>,
        effect: Option<String>,
        status: String,
        version: Version,
        created_by: Option<i64>,
        created_at: i64,
        updated_at: i64,
        import_key: Option<String>,
    }
);

row!(
    /// 回访 a callback an activity made, the person called sealed.
    CallbackRow = "callbacks" {
        activity_id: i64,
        name_enc: String,
        phone_enc: Option<String>,
        served_on: Option<String>,
        called_on: String,
        valid: bool,
        satisfaction: Option<String>,
        remarks: Option<String>,
        created_at: i64,
    }
);

row!(
    /// An official who took part in a plan.
    PlanOfficialRow = "plan_officials" { plan_id: i64, official_id: i64 }
);
row!(
    /// A service item a plan will walk.
    PlanItemRow = "plan_items" { plan_id: i64, item_id: i64 }
);
row!(
    /// An official who took part in a walk.
    ActivityOfficialRow = "activity_officials" { activity_id: i64, official_id: i64 }
);
row!(
    /// A service item a walk went through.
    ActivityItemRow = "activity_items" { activity_id: i64, item_id: i64 }
);

/// The values of one row, with a leading `id` of `None` left out (the
/// database assigns it): the columns and values of a single-row insert.
fn one<R: Row>(row: R) -> (Vec<&'static str>, Vec<Arg>) {
    let mut args = Vec::with_capacity(R::TABLE.cols.len());
    row.args(&mut args);
    let mut cols = R::TABLE.cols.to_vec();
    if cols.first() == Some(&"id") && matches!(args.first(), Some(Arg::I64(None))) {
        cols.remove(0);
        args.remove(0);
    }
    (cols, args)
}

fn single_sql(table: &str, cols: &[&str]) -> String {
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("${i}")).collect();
    format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        cols.join(", "),
        marks.join(", ")
    )
}

/// Inserts one row and reads it back as stored. The database's error is
/// returned as it is, so that the caller can name a unique violation.
pub(crate) async fn insert_returning<R: Row, T: Record>(tx: &mut Tx, row: R) -> sqlx::Result<T> {
    let (cols, args) = one(row);
    let sql = format!("{} RETURNING *", single_sql(R::TABLE.name, &cols));
    tx.fetch_one(&sql, args).await
}

/// Inserts one row and returns the id the database gave it.
pub(crate) async fn insert_returning_id<R: Row>(tx: &mut Tx, row: R) -> sqlx::Result<i64> {
    let (cols, args) = one(row);
    let sql = format!("{} RETURNING id", single_sql(R::TABLE.name, &cols));
    tx.scalar::<i64>(&sql, args)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// Inserts one row.
pub(crate) async fn insert<R: Row>(tx: &mut Tx, row: R) -> sqlx::Result<()> {
    let (cols, args) = one(row);
    tx.execute(&single_sql(R::TABLE.name, &cols), args).await?;
    Ok(())
}

row!(
    /// 活动日 one judged unit's activities at one place on one day, as the
    /// findings count them (集中扎堆): the officials there and what each did.
    FindingDayRow = "finding_days" {
        unit_id: i64,
        unit_path: String,
        day: String,
        place: String,
        officials: i64,
        /// `activity:kind:official,official;…`
        detail: String,
    }
);

row!(
    /// 方式统计 one judged unit's walks in one period, by how they were made.
    FindingModeRow = "finding_modes" {
        period: String,
        unit_id: i64,
        unit_path: String,
        walks: i64,
        online: i64,
        cross_mode: i64,
        citizen: i64,
        unannounced: i64,
    }
);

/// Rows of one table gathered into multi-row inserts within a transaction
/// (the import's batches), flushed when a statement is full and at the end.
pub(crate) struct Batch<R: Row> {
    args: Vec<Arg>,
    _row: std::marker::PhantomData<R>,
}

impl<R: Row> Default for Batch<R> {
    fn default() -> Self {
        Batch {
            args: Vec::new(),
            _row: std::marker::PhantomData,
        }
    }
}

impl<R: Row> Batch<R> {
    pub(crate) async fn push(&mut self, tx: &mut Tx, row: R) -> Result<()> {
        if self.add(row) {
            self.flush(tx).await?;
        }
        Ok(())
    }

    /// Adds a row without writing; true once the batch fills a statement.
    pub(crate) fn add(&mut self, row: R) -> bool {
        row.args(&mut self.args);
        self.args.len() / R::TABLE.cols.len() >= R::TABLE.rows_per_statement()
    }

    pub(crate) async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        if self.args.is_empty() {
            return Ok(());
        }
        let rows = self.args.len() / R::TABLE.cols.len();
        let sql = R::TABLE.insert_sql(rows, tx.kind());
        tx.execute(&sql, std::mem::take(&mut self.args)).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rows_values_follow_its_columns() {
        let mut out = Vec::new();
        ProblemRow {
            unit_id: 7,
            description: "窗口排队时间长".into(),
            version: Version(1),
            ..ProblemRow::default()
        }
        .args(&mut out);
        assert_eq!(out.len(), ProblemRow::TABLE.cols.len());
        let at = |c: &str| ProblemRow::TABLE.cols.iter().position(|x| *x == c).unwrap();
        assert!(matches!(&out[at("unit_id")], Arg::I64(Some(7))));
        assert!(matches!(&out[at("description")], Arg::Text(Some(s)) if s == "窗口排队时间长"));
        assert!(matches!(&out[at("version")], Arg::I64(Some(1))));
    }

    #[test]
    fn a_new_rows_id_is_left_to_the_database() {
        let (cols, args) = one(NeedRow {
            unit_id: 3,
            ..NeedRow::default()
        });
        assert_eq!(cols[0], "unit_id");
        assert_eq!(cols.len(), args.len());
        let (cols, _) = one(NeedRow {
            id: Some(9),
            ..NeedRow::default()
        });
        assert_eq!(cols[0], "id");
    }

    /// The registry's rows are written whole by every path (the defaults
    /// they leave to the database are filled in by hand), so each names
    /// every column of its table; `item_figures` and `callbacks` leave
    /// their id to the database everywhere.
    #[tokio::test]
    async fn the_registry_rows_name_every_column_of_their_tables() {
        let dir = std::env::temp_dir().join(format!("zlc-store-rows-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let cipher = crate::crypto::FieldCipher::from_hex(
            &crate::crypto::FieldCipher::generate_key_hex().expect("key"),
        )
        .expect("cipher");
        let store = crate::Store::open(
            &format!("sqlite:{}", dir.join("t.db").display()),
            cipher,
            &crate::Options::default(),
        )
        .await
        .expect("open");
        for (t, id) in [
            (UnitRow::TABLE, true),
            (OfficialRow::TABLE, true),
            (ItemRow::TABLE, true),
            (ItemFiguresRow::TABLE, false),
            (CallbackRow::TABLE, false),
        ] {
            let mut stored: Vec<(String,)> = store
                .db
                .fetch_all(
                    "SELECT name FROM pragma_table_info($1)",
                    crate::args![t.name],
                )
                .await
                .expect("columns");
            if !id {
                stored.retain(|(c,)| c != "id");
            }
            let mut stored: Vec<String> = stored.into_iter().map(|(c,)| c).collect();
            let mut cols: Vec<String> = t.cols.iter().map(|c| c.to_string()).collect();
            stored.sort();
            cols.sort();
            assert_eq!(cols, stored, "{}", t.name);
        }
        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn statements_number_their_values_on_postgresql_and_not_on_sqlite() {
        let t = ActivityItemRow::TABLE;
        assert_eq!(
            t.insert_sql(2, Kind::Postgres),
            "INSERT INTO activity_items (activity_id, item_id) VALUES ($1,$2),($3,$4)"
        );
        assert_eq!(
            t.insert_sql(2, Kind::Sqlite),
            "INSERT INTO activity_items (activity_id, item_id) VALUES (?,?),(?,?)"
        );
        assert!(ProblemRow::TABLE.rows_per_statement() * ProblemRow::TABLE.cols.len() <= 30_000);
    }
}
