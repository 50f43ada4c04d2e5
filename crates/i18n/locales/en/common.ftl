## Words every part of accord uses: counts, the verdicts, the states of
## relief and guarantees, the sensors and the categories of observation.

common-violations = { $count ->
    [one] { $count } violation
   *[other] { $count } violations
}
common-entries = { $count ->
    [one] { $count } entry
   *[other] { $count } entries
}
common-reports = { $count ->
    [one] { $count } report
   *[other] { $count } reports
}
common-periods = { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
common-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
# A short list of entries cut after the first few.
common-and-more = and { $count } more
common-none = none
common-nobody = nobody
common-not-yet = not yet
common-none-yet = none yet
common-verified = verified
common-reported = reported
common-entry = entry { $index }

## What can be said of a clause, for a party and a period.
common-verdict-breach-verified = breach verified
common-verdict-overdue = overdue: not verified as done
common-verdict-allegations-pending = no verified breach; allegations pending
common-verdict-not-assessable = not assessable: no coverage
common-verdict-no-verified-breach = no verified breach
common-verdict-fulfilled = fulfilled (verified)
common-verdict-not-yet-due = not yet due
common-verdict-not-in-force = not in force

## A tranche of relief.
common-tranche-pending = pending
common-tranche-in-force = in force
common-tranche-in-dispute = in dispute (snapback)
common-tranche-in-vote = in vote (continue relief?)
common-tranche-snapped-back = snapped back

## A guarantee.
common-guarantee-dormant = dormant
common-guarantee-triggered = triggered
common-guarantee-overdue = overdue (no decision by the deadline)
common-guarantee-decided = decided

## Means of observation.
common-sensor-patrol = patrol
common-sensor-camera = camera
common-sensor-uav = UAV
common-sensor-acoustic = acoustic sensor
common-sensor-satellite = satellite imagery
common-sensor-open-source = open source

## Categories of observation.
common-category-ceasefire-violation = ceasefire violations
common-category-weapon-sighting = weapons
common-category-troop-movement = troop movements
common-category-freedom-of-movement = freedom of movement
common-category-civilian-casualties = civilian casualties
common-category-infrastructure-damage = damage to civilian infrastructure
common-category-crossing-status = crossing points
common-category-disengagement-presence = presence in the disengagement areas
common-category-withdrawal-verified = withdrawal verified
common-category-prisoner-exchange = exchange of detainees
common-category-handover = handovers
common-category-displaced-return = return of displaced persons
common-category-remains-exchange = exchange of remains
common-category-force-presence = military presence
common-category-route-status = routes
common-category-mines-uxo = mines and unexploded ordnance
common-category-localised-ceasefire = localised ceasefires
common-category-storage-visit = visits to storage sites

## Languages, each named in itself (the same in every file).
common-lang-en = English
common-lang-uk = Українська
common-lang-ru = Русский
