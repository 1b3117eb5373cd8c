//! What a decision is: why each dropped paragraph was dropped, and the outcome remembered per
//! article.

use serde::{Deserialize, Serialize};

use crate::article::Status;
use crate::clean::copies::CopyEvidence;

/// Which boilerplate rule dropped a paragraph.
/// Stored in state files and Redis by variant index: append, never reorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum BoilerplateRule {
    Learned,
    LinkList,
    EdgeMarker,
    TrailingZone,
    FragmentRun,
    Landmark,
    LinkDensity,
    OutsideMain,
}

impl BoilerplateRule {
    pub fn as_str(self) -> &'static str {
        match self {
            BoilerplateRule::Learned => "learned",
            BoilerplateRule::LinkList => "link_list",
            BoilerplateRule::EdgeMarker => "edge_marker",
            BoilerplateRule::TrailingZone => "trailing_zone",
            BoilerplateRule::FragmentRun => "fragment_run",
            BoilerplateRule::Landmark => "landmark",
            BoilerplateRule::LinkDensity => "link_density",
            BoilerplateRule::OutsideMain => "outside_main",
        }
    }
}

/// Why a paragraph was dropped.
/// Stored by variant index: append, never reorder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DropReason {
    Empty,
    TitleEcho,
    RepeatedInArticle,
    Boilerplate(BoilerplateRule),
}

impl DropReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::Empty => "empty",
            DropReason::TitleEcho => "title_echo",
            DropReason::RepeatedInArticle => "repeated_in_article",
            DropReason::Boilerplate(_) => "boilerplate",
        }
    }

    pub fn rule(self) -> Option<&'static str> {
        match self {
            DropReason::Boilerplate(rule) => Some(rule.as_str()),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DroppedParagraph {
    pub index: u32,
    pub reason: DropReason,
}

/// Everything needed to rebuild an article's record: remembered per article so that a
/// redelivery is republished identically even after the store has learned more.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// The content digest the outcome was decided for.
    pub digest: [u8; 16],
    /// The earlier article this one copies, if any: always an original.
    pub duplicate_of: Option<String>,
    /// How the copy was found; `None` for an original.
    pub copy: Option<CopyEvidence>,
    /// Dropped paragraphs in index order; every other paragraph is kept.
    pub drops: Vec<DroppedParagraph>,
}

impl Outcome {
    /// The record's status: set here once, from whether the article copies an earlier one.
    pub fn status(&self) -> Status {
        match self.duplicate_of {
            Some(_) => Status::Duplicate,
            None => Status::Clean,
        }
    }
}
