import Fluent

/// A model that lists its Fluent properties by hand. FluentKit otherwise finds them by reflection each time it reads or
/// writes a row — its costliest step by far: 43 category rows were 30 % of a one-item grid-event list request's CPU, and
/// 50 events a quarter of a full page's (release build, district demo). Models read on hot paths conform;
/// `ListedFieldsTests` checks each list against the reflection so a field added to the class and not to its list fails.
protocol ListedFields: Fields {}
