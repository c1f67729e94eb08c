//! The registry the campaign is generated over: units, officials and items,
//! read back from the database (`small`, written through the store API) or
//! built here and bulk-written (`city`, `province`, `national`).

use super::{DEPTS, ENTERPRISES, Rng, mobile, person_name};
use anyhow::Result;
use std::collections::HashMap;
use zlc_domain::kinds::Rank;
use zlc_domain::registry::UnitCategory as C;
use zlc_store::Store;

#[derive(Debug, Clone)]
pub struct MUnit {
    pub id: i64,
    pub parent: Option<i64>,
    pub path: String,
    pub depth: i64,
    pub name: String,
    pub kind: &'static str,
    pub cats: String,
}

#[derive(Debug, Clone)]
pub struct MOfficial {
    pub id: i64,
    pub unit_id: i64,
    pub rank: Rank,
    pub title: String,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone)]
pub struct MItem {
    pub id: i64,
    pub unit_id: i64,
    pub section_id: Option<i64>,
    pub name: String,
    pub item_type: &'static str,
    pub power: &'static str,
    pub figures: [i64; 5],
}

#[derive(Default)]
pub struct Model {
    pub units: Vec<MUnit>,
    pub officials: Vec<MOfficial>,
    pub items: Vec<MItem>,
}

fn kind_code(s: &str) -> &'static str {
    match s {
        "region" => "region",
        "department" => "department",
        "enterprise" => "enterprise",
        "section" => "section",
        _ => "hall",
    }
}

fn rank_of(s: &str) -> Rank {
    Rank::parse(s).unwrap_or(Rank::Staff)
}

/// id, parent, path, depth, name, kind, categories.
type UnitRow = (i64, Option<i64>, String, i64, String, String, String);

impl Model {
    /// The registry as it stands in the database (the `small` district).
    pub async fn load(store: &Store) -> Result<Model> {
        let units: Vec<UnitRow> = store
            .db
            .fetch_all(
                "SELECT id, parent_id, path, depth, name, kind, categories FROM units ORDER BY id",
                vec![],
            )
            .await?;
        let officials: Vec<(i64, i64, String, String, String)> = store
            .db
            .fetch_all(
                "SELECT id, unit_id, rank, title, name FROM officials ORDER BY id",
                vec![],
            )
            .await?;
        let items: Vec<(i64, i64, Option<i64>, String)> = store
            .db
            .fetch_all(
                "SELECT id, unit_id, section_id, name FROM items ORDER BY id",
                vec![],
            )
            .await?;
        Ok(Model {
            units: units
                .into_iter()
                .map(|(id, parent, path, depth, name, kind, cats)| MUnit {
                    id,
                    parent,
                    path,
                    depth,
                    name,
                    kind: kind_code(&kind),
                    cats,
                })
                .collect(),
            officials: officials
                .into_iter()
                .map(|(id, unit_id, rank, title, name)| MOfficial {
                    id,
                    unit_id,
                    rank: rank_of(&rank),
                    title,
                    name,
                    phone: String::new(),
                })
                .collect(),
            items: items
                .into_iter()
                .map(|(id, unit_id, section_id, name)| MItem {
                    id,
                    unit_id,
                    section_id,
                    name,
                    item_type: "",
                    power: "",
                    figures: [0; 5],
                })
                .collect(),
        })
    }
}

const PROVINCES: &[&str] = &[
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
];

const SYL: &[&str] = &[
    "安", "宁", "平", "华", "阳", "江", "河", "山", "城", "兴", "昌", "丰", "永", "泰", "和", "德",
    "林", "川", "源", "清", "东", "西", "南", "北", "新", "长", "广", "富", "龙", "凤", "桂", "云",
    "庆", "嘉", "定", "武", "文", "盛", "明", "临", "湖", "溪", "金", "宝", "石", "松", "柳", "桃",
];

const STREET_SUFFIX: &[&str] = &["街道办事处", "镇人民政府", "乡人民政府"];

/// How big a generated tree is.
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    pub provinces: usize,
    pub cities: (usize, usize),
    pub counties: (usize, usize),
}

/// Builds the tree of a city, a province or the whole country.
pub struct Builder<'a> {
    pub m: Model,
    rng: &'a mut Rng,
    next_unit: i64,
    next_official: i64,
    next_item: i64,
    names: HashMap<i64, std::collections::HashSet<String>>,
}

impl<'a> Builder<'a> {
    pub fn new(rng: &'a mut Rng) -> Self {
        Builder {
            m: Model::default(),
            rng,
            next_unit: 1,
            next_official: 1,
            next_item: 1,
            names: HashMap::new(),
        }
    }

    fn place_name(&mut self, parent: i64, suffix: &str) -> String {
        loop {
            let a = *self.rng.pick(SYL);
            let b = *self.rng.pick(SYL);
            if a == b {
                continue;
            }
            let n = format!("{a}{b}{suffix}");
            if self.names.entry(parent).or_default().insert(n.clone()) {
                return n;
            }
        }
    }

    fn unit(
        &mut self,
        parent: Option<&MUnit>,
        name: String,
        kind: &'static str,
        cats: &[C],
    ) -> MUnit {
        let id = self.next_unit;
        self.next_unit += 1;
        if let Some(p) = parent {
            self.names.entry(p.id).or_default().insert(name.clone());
        }
        let u = MUnit {
            id,
            parent: parent.map(|p| p.id),
            path: format!("{}{id}/", parent.map_or("/", |p| p.path.as_str())),
            depth: parent.map_or(0, |p| p.depth + 1),
            name,
            kind,
            cats: cats.iter().map(|c| c.code()).collect::<Vec<_>>().join(","),
        };
        self.m.units.push(u.clone());
        u
    }

    fn official(&mut self, unit: &MUnit, rank: Rank, title: &str) {
        let id = self.next_official;
        self.next_official += 1;
        let name = person_name(self.rng);
        let phone = mobile(self.rng);
        self.m.officials.push(MOfficial {
            id,
            unit_id: unit.id,
            rank,
            title: title.into(),
            name,
            phone,
        });
    }

    fn item(
        &mut self,
        unit: &MUnit,
        section: Option<i64>,
        name: &str,
        ty: &'static str,
        power: &'static str,
    ) {
        let id = self.next_item;
        self.next_item += 1;
        let figures = [
            3 + self.rng.below(8) as i64,
            [0, 1, 3, 5, 10, 20][self.rng.below(6)],
            2 + self.rng.below(4) as i64,
            self.rng.below(3) as i64,
            i64::from(self.rng.chance(70)),
        ];
        self.m.items.push(MItem {
            id,
            unit_id: unit.id,
            section_id: section,
            name: name.into(),
            item_type: ty,
            power,
            figures,
        });
    }

    /// A government level: lead office, service hall, departments with their
    /// sections and items, public-service enterprises. `prefix` is 区/县/市/省.
    fn level(&mut self, region: &MUnit, prefix: &str, place: &str, depts: usize) {
        let lead = self.unit(
            Some(region),
            format!("{prefix}营商环境建设办公室"),
            "department",
            &[C::PolicyMaking],
        );
        self.official(&lead, Rank::Head, "主任");
        self.official(&lead, Rank::Deputy, "副主任");
        let hall = self.unit(
            Some(region),
            format!("{prefix}政务服务中心"),
            "hall",
            &[C::Approval],
        );
        self.official(&hall, Rank::Head, "主任");
        self.official(&hall, Rank::SectionChief, "综合科科长");
        // The first six departments always (the demo accounts need 市场监管 and
        // 人社 at the top level), the rest at random.
        let mut chosen: Vec<usize> = (0..DEPTS.len()).collect();
        for i in (7..chosen.len()).rev() {
            let j = 6 + self.rng.below(i - 5);
            chosen.swap(i, j);
        }
        chosen.truncate(depts.min(DEPTS.len()));
        chosen.sort_unstable();
        for &di in &chosen {
            let d = &DEPTS[di];
            let name = format!("{prefix}{}", d.name.trim_start_matches('区'));
            let name = if d.name == "公安分局" {
                format!("{place}公安局")
            } else {
                name
            };
            let dept = self.unit(Some(region), name, "department", d.cats);
            self.official(&dept, Rank::Head, "局长");
            for _ in 0..2 + self.rng.below(2) {
                self.official(&dept, Rank::Deputy, "副局长");
            }
            let mut first = None;
            for s in d.sections {
                let sec = self.unit(Some(&dept), (*s).to_string(), "section", &[]);
                first.get_or_insert(sec.id);
                self.official(&sec, Rank::SectionChief, "科长");
                for _ in 0..3 + self.rng.below(4) {
                    self.official(&sec, Rank::Staff, "业务骨干");
                }
            }
            for (n, ty, power) in d.items {
                self.item(&dept, first, n, ty, power);
            }
        }
        for (n, item) in ENTERPRISES.iter().take(2 + self.rng.below(3)) {
            let e = self.unit(
                Some(region),
                format!(
                    "{place}{}",
                    n.trim_start_matches("示范区")
                        .trim_start_matches("国网示范区")
                ),
                "enterprise",
                &[C::PublicEnterprise],
            );
            self.official(&e, Rank::Head, "总经理");
            self.official(&e, Rank::Deputy, "副总经理");
            self.item(&e, None, item, "high-frequency", "social-service");
        }
    }

    fn county(&mut self, parent: &MUnit) {
        let suffix = if self.rng.chance(45) { "区" } else { "县" };
        let name = self.place_name(parent.id, suffix);
        let c = self.unit(
            Some(parent),
            name.clone(),
            "region",
            &[C::Approval, C::Enforcement, C::Complaints],
        );
        let n = 8 + self.rng.below(5);
        self.level(&c, suffix, &name, n);
        for _ in 0..3 + self.rng.below(4) {
            let suffix = *self.rng.pick(STREET_SUFFIX);
            let sname = self.place_name(c.id, suffix);
            let street = self.unit(
                Some(&c),
                sname,
                "region",
                &[C::Approval, C::Enforcement, C::Complaints],
            );
            self.official(&street, Rank::Head, "主任");
            self.official(&street, Rank::Deputy, "副主任");
            let centre = self.unit(Some(&street), "便民服务中心".into(), "hall", &[C::Approval]);
            self.official(&centre, Rank::SectionChief, "中心主任");
        }
    }

    pub fn city(&mut self, parent: Option<&MUnit>, counties: (usize, usize)) {
        let name = match parent {
            Some(p) => self.place_name(p.id, "市"),
            None => "示范市".to_string(),
        };
        let c = self.unit(parent, name.clone(), "region", &[]);
        self.level(&c, "市", &name, DEPTS.len());
        let n = counties.0 + self.rng.below(counties.1 - counties.0 + 1);
        for _ in 0..n {
            self.county(&c);
        }
    }

    pub fn province(&mut self, parent: Option<&MUnit>, name: &str, shape: Shape) {
        let p = self.unit(parent, name.to_string(), "region", &[]);
        self.level(&p, "省", name, DEPTS.len());
        let n = shape.cities.0 + self.rng.below(shape.cities.1 - shape.cities.0 + 1);
        for _ in 0..n {
            self.city(Some(&p), shape.counties);
        }
    }

    pub fn nation(&mut self, shape: Shape) {
        let root = self.unit(None, "全国".into(), "region", &[]);
        let lead = self.unit(
            Some(&root),
            "国务院办公厅政务服务办公室".into(),
            "department",
            &[C::PolicyMaking],
        );
        self.official(&lead, Rank::Head, "主任");
        self.official(&lead, Rank::Deputy, "副主任");
        for name in PROVINCES.iter().take(shape.provinces) {
            self.province(Some(&root), name, shape);
        }
    }
}
