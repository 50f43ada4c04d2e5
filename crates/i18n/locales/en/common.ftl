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

## Kinds and states observations name: one message per value of the
## statement types (the value's snake_case written in kebab-case).

# Types of ceasefire violation, as the SMM counted them.
common-event-explosion = explosions
common-event-projectile-in-flight = projectiles in flight
common-event-muzzle-flash = muzzle flashes
common-event-illumination-flare = illumination flares
common-event-burst = bursts
common-event-shot = shots
common-event-undetermined = undetermined

# Kinds of weapon a violation was fired with.
common-weapon-kind-artillery = artillery
common-weapon-kind-mortar = mortars
common-weapon-kind-mlrs = MLRS
common-weapon-kind-tank = tanks
common-weapon-kind-small-arms = small arms
common-weapon-kind-anti-aircraft = anti-aircraft weapons
common-weapon-kind-grenade-launcher = grenade launchers
common-weapon-kind-drone = drones
common-weapon-kind-missile = missiles
common-weapon-kind-undetermined = undetermined

# Where weapons were seen.
common-weapon-status-in-violation-of-withdrawal-line = in violation of the withdrawal lines
common-weapon-status-outside-storage = beyond the withdrawal lines but outside storage sites
common-weapon-status-missing-from-storage = absent from storage sites
common-weapon-status-in-storage = in storage
common-weapon-status-in-transit = in transit
common-weapon-status-other = other

# Restrictions of the monitors' freedom of movement.
common-restriction-denial = denial of access
common-restriction-delay = delay
common-restriction-conditional-access = conditional access
common-restriction-uav-jamming = UAV signal jamming
common-restriction-fire-at-uav = fire at a UAV
common-restriction-camera-interference = interference with cameras
common-restriction-threat = threat

# Causes of civilian casualties.
common-cause-shelling = shelling
common-cause-small-arms = small-arms fire
common-cause-mine-or-uxo = mine or UXO
common-cause-airstrike = airstrike
common-cause-missile = missile
common-cause-drone = drone
common-cause-other = other

# Civilian infrastructure.
common-facility-residential = residential buildings
common-facility-water = water supply
common-facility-power = power supply
common-facility-gas = gas supply
common-facility-school = school
common-facility-hospital = hospital
common-facility-road = road
common-facility-bridge = bridge
common-facility-other = other

# Damage to infrastructure.
common-damage-minor = minor damage
common-damage-major = major damage
common-damage-destroyed = destroyed

# The state of a crossing point.
common-crossing-open = open
common-crossing-restricted = restricted
common-crossing-closed = closed

# Mines and unexploded ordnance.
common-mines-new-mines = new mines
common-mines-minefield = minefields
common-mines-uxo = unexploded ordnance
common-mines-demining = demining
common-mines-warning-signs = warning signs

# Access to a storage site on a monitors' visit.
common-storage-access-granted = access granted
common-storage-access-denied = access denied
common-storage-access-partial = partial access
