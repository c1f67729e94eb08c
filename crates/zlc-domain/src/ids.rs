//! Typed record ids: a `UnitId` can never be passed where an `OfficialId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }
    };
}

id_type!(
    /// 单位 id
    UnitId
);
id_type!(
    /// 人员 id
    OfficialId
);
id_type!(
    /// 事项 id
    ItemId
);
id_type!(
    /// 账号 id
    UserId
);
id_type!(
    /// 角色 id
    RoleId
);
