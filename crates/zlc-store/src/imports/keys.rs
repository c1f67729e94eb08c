//! The keys that make a re-import change nothing: each record's key
//! derived from what the row says, for every kind of table.

use super::*;

impl ImportRun<'_> {
    /// The keys the unit's records would have had, had this table brought
    /// them (records entered by hand, generated, or imported through
    /// another table): so that a table exported and imported back finds
    /// them and adds nothing twice. Walks are numbered as exports write
    /// them ([`crate::rowkeys`]).
    pub(super) async fn derived_keys(
        &mut self,
        unit: i64,
        path: &str,
        keys: &mut HashMap<&'static str, HashMap<KeyDigest, i64>>,
        visitors: &mut HashMap<i64, i64>,
    ) -> Result<()> {
        let kinds: &[&str] = match self.req.kind {
            SheetKind::Ledger => &["walk", "window", "inspect"],
            SheetKind::WindowStats => &["window"],
            SheetKind::Lists => &["walk", "window", "inspect", "enforce", "complaint"],
            SheetKind::WindowSchedule => {
                let rows: Vec<(i64, String, String, Option<String>)> = self
                    .tx
                    .fetch_all(
                        "SELECT p.id, p.date, p.slot, (SELECT o.name FROM plan_officials po JOIN officials o ON o.id = po.official_id \
                         WHERE po.plan_id = p.id ORDER BY o.id LIMIT 1) FROM plans p WHERE p.unit_path = $2 AND p.unit_id = $1 AND p.status <> 'cancelled'",
                        args![unit, path],
                    )
                    .await?;
                let k = keys.entry("plans").or_default();
                for (id, date, slot, name) in rows {
                    let who = name.unwrap_or_default();
                    k.entry(digest(&rowkeys::schedule_plan(&date, &slot, &who)))
                        .or_insert(id);
                }
                return Ok(());
            }
            SheetKind::Items | SheetKind::Units => return Ok(()),
        };
        let marks: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 3)).collect();
        let mut a = args![unit, path];
        a.extend(kinds.iter().map(|k| Arg::from(*k)));
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            i64,
            Option<String>,
        );
        let acts: Vec<Row> = self
            .tx
            .fetch_all(
                &format!(
                    "SELECT a.id, a.date, a.kind, a.mode, a.place, a.content, a.visitors, \
                     (SELECT o.name FROM activity_officials ao JOIN officials o ON o.id = ao.official_id WHERE ao.activity_id = a.id ORDER BY o.id LIMIT 1) \
                     FROM activities a WHERE a.unit_path = $2 AND a.unit_id = $1 AND a.status = 'filed' AND a.kind IN ({}) ORDER BY a.date, a.id",
                    marks.join(", ")
                ),
                a,
            )
            .await?;
        let ids: Vec<i64> = acts.iter().map(|r| r.0).collect();
        let mut names: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let (sql, a) = rowkeys::items_query(chunk);
            let rows: Vec<(i64, String)> = self.tx.fetch_all(&sql, a).await?;
            for (id, name) in rows {
                names.entry(id).or_default().push(name);
            }
        }
        let mut walks = WalkCounter::default();
        let mut placeless = WalkCounter::default();
        // Each activity's keys: as this table writes it, and, for one that
        // came through another table lacking this table's column (a
        // sitting without items, a walk without a place), the key that
        // leaves that column out.
        let mut by_activity: HashMap<i64, Vec<String>> = HashMap::new();
        for (id, date, kind, mode, place, content, seen, official) in acts {
            let who = official.unwrap_or_default();
            let listed = names.get(&id).map(Vec::as_slice).unwrap_or(&[]);
            let items = rowkeys::items_key(listed, content.as_deref());
            let place = place.filter(|p| !p.is_empty());
            let mut own = Vec::new();
            match self.req.kind {
                SheetKind::Ledger => {
                    let form = crate::exports::ledger_mode(&mode).code();
                    let base = rowkeys::ledger_walk(&date, &who, &items, form, 0);
                    let walk = walks.next(&date, base);
                    own.push(rowkeys::ledger_walk(&date, &who, &items, form, walk));
                    if items.is_empty() {
                        own.push(rowkeys::ledger_walk(&date, &who, rowkeys::ANY, form, 0));
                    }
                }
                SheetKind::WindowStats => {
                    let walk = walks.next(&date, rowkeys::window_sitting(&date, &who, 0));
                    own.push(rowkeys::window_sitting(&date, &who, walk));
                    visitors.insert(id, seen);
                }
                _ => {
                    let base = rowkeys::lists_activity(
                        &date,
                        &who,
                        &kind,
                        place.as_deref().unwrap_or("—"),
                        &items,
                    );
                    let walk = walks.next(&date, base.clone());
                    own.push(format!("{base}{}", Seq::suffix(walk)));
                    if place.is_none() {
                        // The ledger's walks: no place, and the way of
                        // walking as the ledger's mark columns say it.
                        let form = crate::exports::ledger_mode(&mode).code();
                        let any = format!(
                            "{}|{form}",
                            rowkeys::lists_activity(&date, &who, &kind, rowkeys::ANY, &items)
                        );
                        let walk = placeless.next(&date, any.clone());
                        own.push(format!("{any}{}", Seq::suffix(walk)));
                    }
                }
            };
            let k = keys.entry("activities").or_default();
            for key in &own {
                k.entry(digest(key)).or_insert(id);
            }
            by_activity.insert(id, own);
        }
        let lists = self.req.kind == SheetKind::Lists;
        let rows: Vec<(i64, i64, String, Option<String>)> = self
            .tx
            .fetch_all(
                "SELECT p.id, p.activity_id, p.description, p.measures FROM problems p JOIN activities a ON a.id = p.activity_id \
                 WHERE a.unit_path = $2 AND a.unit_id = $1 ORDER BY p.id",
                args![unit, path],
            )
            .await?;
        let mut repeats = RepeatCounter::default();
        for (id, activity, text, measures) in rows {
            let Some(akeys) = by_activity.get(&activity) else {
                continue;
            };
            let n = repeats.next(activity, &text);
            for akey in akeys {
                let key = if lists {
                    rowkeys::lists_problem(akey, &text, n)
                } else {
                    rowkeys::problem(akey, &text, n)
                };
                keys.entry("problems")
                    .or_default()
                    .entry(digest(&key))
                    .or_insert(id);
                // 三个清单 writes a problem's measures as its 解决措施.
                if lists && let Some(m) = &measures {
                    keys.entry("measures")
                        .or_default()
                        .entry(digest(&rowkeys::lists_measure(akey, m)))
                        .or_insert(0);
                }
            }
        }
        if lists {
            type KeyOf = fn(&str, &str) -> String;
            let tables: [(&str, KeyOf); 2] = [
                ("needs", rowkeys::lists_need),
                ("measures", rowkeys::lists_measure),
            ];
            for (table, key_of) in tables {
                let rows: Vec<(i64, i64, String)> = self
                    .tx
                    .fetch_all(
                        &format!(
                            "SELECT x.id, x.activity_id, x.content FROM {table} x JOIN activities a ON a.id = x.activity_id \
                             WHERE a.unit_path = $2 AND a.unit_id = $1"
                        ),
                        args![unit, path],
                    )
                    .await?;
                let k = keys.entry(table).or_default();
                for (id, activity, text) in rows {
                    for akey in by_activity.get(&activity).into_iter().flatten() {
                        k.entry(digest(&key_of(akey, &text))).or_insert(id);
                    }
                }
            }
        }
        Ok(())
    }
}
