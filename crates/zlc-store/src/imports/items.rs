//! 事项清单 the service items and their figures.

use super::*;

impl ImportRun<'_> {
    pub(super) async fn item_row(&mut self, c: &mut Current, r: &ItemEntry) -> Result<()> {
        let Some(unit) = self.row_unit(c, r.row, r.unit.as_ref()) else {
            return Ok(());
        };
        let Some(place) = self
            .placement(c, unit, r.row, r.section.as_ref(), false)
            .await?
        else {
            return Ok(());
        };
        if !self.errors.is_empty() {
            return Ok(());
        }
        let section = place.section;
        let u = self.unit_ctx(c, unit).await?;
        let unit_path = u.unit.path.clone();
        type Row = (
            i64,
            Option<i64>,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let existing: Option<Row> = self
            .tx
            .fetch_optional(
                "SELECT id, section_id, item_type, service_object, handling_mode, channel, contact, note FROM items WHERE unit_id = $1 AND name = $2",
                args![unit, r.name.trim()],
            )
            .await?;
        let wanted: Row = (
            0,
            section,
            r.item_type.code().into(),
            r.service_object.code().into(),
            r.handling_mode.code().into(),
            r.channel.clone(),
            r.contact.clone(),
            r.note.clone(),
        );
        match existing {
            Some(old)
                if (old.1, &old.2, &old.3, &old.4, &old.5, &old.6, &old.7)
                    == (
                        wanted.1, &wanted.2, &wanted.3, &wanted.4, &wanted.5, &wanted.6, &wanted.7,
                    ) =>
            {
                self.sum.unchanged += 1;
            }
            Some(old) => {
                self.tx
                    .execute(
                        "UPDATE items SET section_id = $1, item_type = $2, service_object = $3, handling_mode = $4, channel = $5, contact = $6, note = $7, \
                         version = version + 1, updated_at = $8 WHERE id = $9",
                        args![section, r.item_type.code(), r.service_object.code(), r.handling_mode.code(), &r.channel, &r.contact, &r.note, self.now, old.0],
                    )
                    .await?;
                self.sum.items_updated += 1;
                self.updated_items.push(old.0);
            }
            None => {
                let id = rows::insert_returning_id(
                    &mut self.tx,
                    ItemRow {
                        unit_id: unit,
                        section_id: section,
                        name: r.name.trim().to_string(),
                        item_type: r.item_type.code().into(),
                        power_category: PowerCategory::PublicService.code().into(),
                        service_object: r.service_object.code().into(),
                        handling_mode: r.handling_mode.code().into(),
                        channel: r.channel.clone(),
                        contact: r.contact.clone(),
                        note: r.note.clone(),
                        created_at: self.now,
                        updated_at: self.now,
                        ..ItemRow::default()
                    },
                )
                .await?;
                self.sum.items += 1;
                self.created_items.push(id);
                let u = self.unit_ctx(c, unit).await?;
                u.items
                    .insert(r.name.trim().to_string(), (id, unit_path.clone()));
                self.wide_items.remove(r.name.trim());
            }
        }
        Ok(())
    }
}
