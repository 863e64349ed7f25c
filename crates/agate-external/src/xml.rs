//! What the XML readers (JUnit, Cobertura, JaCoCo) share.

use quick_xml::events::BytesStart;

/// The value of an element's attribute, entities resolved; `None` when it is missing.
pub(crate) fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == name)
        .and_then(|attribute| {
            attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(std::borrow::Cow::into_owned)
        })
}
