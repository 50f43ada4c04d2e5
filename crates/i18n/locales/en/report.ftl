## The report (accord-report): a day, a week or a month, in the order of an
## OSCE SMM daily report. Figures are arguments; titles of the agreement's
## phases, tranches, zones and parties come from the agreement itself.

report-title-day = Daily report, { $date }
report-title-week = Weekly report, { $from } to { $date }
report-title-month = Monthly report, { $from } to { $date }
report-period = Reporting period from { $from } to { $to }.
report-previous = Compared with the period from { $from } to { $to }.
report-built = Built only from the public log ({ $size ->
    [one] { $size } entry
   *[other] { $size } entries
}).
report-root = Root:
report-agreement-hash = Agreement:
report-every-figure = Every figure links to the entries behind it, each with an inclusion proof; accord audit re-checks everything.
report-policy-agreement = the agreement's witnesses
report-policy-given = the policy given
report-witnessed = The checkpoint is witnessed: cosigned by { $cosigners }, meeting the quorum of { $policy }.
report-not-witnessed = NOT WITNESSED: the checkpoint does not meet the quorum of { $policy } ({ $error }): only the operator vouches for this history.
report-simulated = SIMULATED: these cited entries say they are simulated (scripted, not real events); every figure that counts them counts something that did not happen:

report-simulated-mark = SIMULATED:

report-previous-unknown = The period before it ended before the agreement was adopted: the log says nothing of it, and there is nothing to compare with.
report-summary-violations-first = { $reported ->
    [one] { $reported } ceasefire violation was reported
   *[other] { $reported } ceasefire violations were reported
}, { $verified } of them verified.
report-summary-region-first = { $region }: { $reported ->
    [one] { $reported } violation
   *[other] { $reported } violations
} reported ({ $verified } verified).
report-violations-total-first = { $reported } reported, { $verified } verified.

report-h-summary = Summary
report-h-violations = Ceasefire violations
report-h-by-region = By region
report-h-breakdown = By region, type, weapon and means of observation
report-h-attribution = Attribution (a separate layer)
report-h-annex = Annex: each location
report-h-weapons = Weapons
report-h-weapons-in-violation = In violation of withdrawal lines
report-h-weapons-absent = Absent from declared storage sites
report-h-weapons-outside-storage = Beyond withdrawal lines but outside storage sites
report-h-presence = Military presence in the security zone and disengagement areas
report-h-mines = Mines and unexploded ordnance
report-h-casualties = Civilian casualties
report-h-infrastructure = Damage to civilian infrastructure
report-h-windows = Localised ceasefires (windows of silence)
report-h-crossings = Entry-exit checkpoints and crossing points
report-h-movement = Restrictions of the monitors' freedom of movement
report-h-relief = Relief, guarantees and deadlines
report-h-deadlines = What falls due next
report-h-clocks = Clocks
report-h-clauses = Clauses, party by party
report-h-coverage = Coverage: where the monitors could see
report-h-series = Violations over the last 365 periods
report-h-texts = The agreement's texts
report-h-sources = Sources
report-h-endnotes = Entries cited

report-summary-violations-none = No ceasefire violations were reported in the period or the one before.
report-summary-violations = { $reported ->
    [one] { $reported } ceasefire violation was reported
   *[other] { $reported } ceasefire violations were reported
}, { $verified } of them verified (previous period: { $reported_before } reported, { $verified_before } verified).
report-summary-region = { $region }: { $reported ->
    [one] { $reported } violation
   *[other] { $reported } violations
} reported ({ $verified } verified), { $reported_before } in the period before.
report-summary-breach = A breach of “{ $clause }” by { $party } is verified ({ $periods ->
    [one] { $periods } period
   *[other] { $periods } periods
}).
report-summary-phase = The phase moved from { $from } to { $to } on { $time }.
report-summary-tranche = { $id } became “{ $state }” on { $time }.
report-summary-guarantee = The guarantee “{ $id }” became “{ $state }” on { $time }.
report-summary-deadline = Falling due: { $deadline } for { $id }, { $time }.
report-summary-casualties = Civilian casualties reported: { $killed } killed and { $injured } injured ({ $killed_verified } and { $injured_verified } verified).
report-summary-weapons = { $reported ->
    [one] { $reported } weapon was
   *[other] { $reported } weapons were
} seen in violation of withdrawal lines ({ $verified } verified).
report-summary-movement = { $count ->
    [one] { $count } restriction
   *[other] { $count } restrictions
} of the monitors' freedom of movement.

report-violations-intro = Events (explosions, projectiles, bursts, shots, illumination flares) reported in the period; verified under the agreement's rules (two independent organisations, or one with evidence). Previous: the same length of time before.
report-violations-total = { $reported } reported, { $verified } verified (previous period: { $reported_before } reported, { $verified_before } verified).
report-weapons-count = { $reported } reported, { $verified } verified.
report-weapons-unclassed = weapons (class not known)
report-casualties-total = { $killed } killed and { $injured } injured reported ({ $killed_verified } and { $injured_verified } verified).
report-coverage-unseen = Not covered by the monitors in the period: { $zones }. “No verified breach” there rests on nothing.
report-coverage-organisations = Covered by: { $organisations }.
report-covered-of = { $covered } of { $of }
report-series-table = Violations per period over the last { $n } periods (verified / reported); periods with none are left out.
report-texts-intro = The agreement's equally authentic texts, side by side.
report-open-source = Open-source reports in this period come from imported datasets ({ $sources }); they count as reported, not verified, until monitors corroborate them. UCDP GED records only fatal events (incidents of organised violence with at least one death): its events are UCDP fatal events, not every violation. UCDP GED data: Sundberg & Melander 2013; Davies, Pettersson & Öberg 2023 (CC BY 4.0).
report-proofs = Proof files are C2SP tlog-proof inclusion proofs against the checkpoint beside them.
report-endnotes-intro = Each entry number in the report, and the file that proves it is in the log.

report-none-violations = No ceasefire violations recorded.
report-none-weapons-in-violation = No weapons recorded in violation of withdrawal lines.
report-none-weapons-absent = No visit to a declared storage site recorded.
report-none-weapons-outside-storage = No weapons recorded outside storage sites.
report-none-presence = No military presence recorded.
report-none-mines = No mines or unexploded ordnance recorded.
report-none-casualties = No civilian casualties recorded.
report-none-infrastructure = No damage to civilian infrastructure recorded.
report-none-windows = No localised ceasefire recorded.
report-none-crossings = No crossing point reports recorded.
report-none-movement = No restrictions recorded.
report-none-deadlines = Nothing falls due.
report-none-clauses = No clause in force.
report-none-coverage = The monitors covered no zone in the period.

report-chart-violations = Ceasefire violations reported per period, by region, over the last { $n } periods
report-chart-casualties = Civilians killed and injured per period, the last 30 periods
report-chart-timeline = Phase, relief and guarantees over time

report-col-entry = Entry
report-col-observed = Observed
report-col-where = Where
report-col-what = What
report-col-means = Means of observation
report-col-verified = Verified
report-col-reported = Reported
report-col-responsible = Held responsible
report-col-region = Region
report-col-previous = Previous (verified / reported)
report-col-change = Change (reported)
report-col-entries = Entries
report-col-type = Type
report-col-weapon = Weapon
report-col-cause = Cause
report-col-killed = Killed
report-col-injured = Injured
report-col-kind = What
report-col-title = Title
report-col-state = State at the end of the period
report-col-provisional = Provisional until
report-col-changes = Changes in the period
report-col-deadline = Deadline
report-col-of = Of
report-col-due = Due
report-col-clock = Clock
report-col-days = Periods held
report-col-assessed = Of which assessed
report-col-clause = Clause
report-col-party = Party
report-col-verdict = Verdict
report-col-measured = Measured (last period)
report-col-counted = Entries counted
report-col-allegations = Reports not verified
report-col-zone = Zone
report-col-covered = Periods covered
report-col-period = Period

report-kind-phase = Phase
report-kind-tranche = Relief
report-kind-guarantee = Guarantee
report-phase = Phase
report-outside-regions = Outside the named regions
report-not-given = not given
report-not-attributed = not attributed
report-yes = yes
report-no = no
report-disputed = disputed
report-position = { $lat }° N, { $lon }° E
report-held-by = held by { $party }
report-observer-at = the monitors at { $lat }° N, { $lon }° E
report-dissent = { $n ->
    [one] { $n } dissenting
   *[other] { $n } dissenting
}
report-metric = { $name } { $value }
report-metric-both = { $name } { $verified } verified, { $reported } reported

report-num-events = { $n ->
    [one] { $n } event
   *[other] { $n } events
}
report-num-killed = { $n } killed
report-num-injured = { $n } injured
report-num-count = { $n ->
    [one] { $n } item
   *[other] { $n } items
}
report-num-personnel = { $n } personnel
report-num-vehicles = { $n ->
    [one] { $n } vehicle
   *[other] { $n } vehicles
}
report-num-armoured-vehicles = { $n ->
    [one] { $n } armoured vehicle
   *[other] { $n } armoured vehicles
}
report-num-duration-minutes = { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
report-num-people-waiting = { $n ->
    [one] { $n } person waiting
   *[other] { $n } people waiting
}
report-num-vehicles-waiting = { $n ->
    [one] { $n } vehicle waiting
   *[other] { $n } vehicles waiting
}
report-num-wait-minutes = waiting { $n ->
    [one] { $n } minute
   *[other] { $n } minutes
}
report-num-individuals = { $n } people
report-num-households = { $n ->
    [one] { $n } household
   *[other] { $n } households
}
report-num-vehicles-passed = { $n ->
    [one] { $n } vehicle passed
   *[other] { $n } vehicles passed
}
report-num-area-m2 = { $n } m²

report-code-event-explosion = explosions
report-code-event-projectile-in-flight = projectiles in flight
report-code-event-muzzle-flash = muzzle flashes
report-code-event-illumination-flare = illumination flares
report-code-event-burst = bursts
report-code-event-shot = shots
report-code-event-undetermined = undetermined
report-code-status-in-violation-of-withdrawal-line = in violation of the withdrawal line
report-code-status-outside-storage = outside the storage site
report-code-status-missing-from-storage = missing from the storage site
report-code-status-in-storage = in storage
report-code-status-in-transit = in transit
report-code-status-other = other
report-code-status-open = open
report-code-status-restricted = restricted
report-code-status-closed = closed
report-code-restriction-denial = denial of access
report-code-restriction-delay = delay
report-code-restriction-conditional-access = conditional access
report-code-restriction-uav-jamming = UAV signal jamming
report-code-restriction-fire-at-uav = fire at a UAV
report-code-restriction-camera-interference = interference with a camera
report-code-restriction-threat = threat to the monitors
report-code-cause-shelling = shelling
report-code-cause-small-arms = small-arms fire
report-code-cause-mine-or-uxo = mines or unexploded ordnance
report-code-cause-airstrike = airstrike
report-code-cause-missile = missile
report-code-cause-drone = drone
report-code-cause-other = other
report-code-facility-residential = residential building
report-code-facility-water = water supply
report-code-facility-power = power supply
report-code-facility-gas = gas supply
report-code-facility-school = school
report-code-facility-hospital = hospital
report-code-facility-road = road
report-code-facility-bridge = bridge
report-code-facility-other = other
report-code-damage-minor = minor damage
report-code-damage-major = major damage
report-code-damage-destroyed = destroyed
report-code-presence-armed-personnel = armed personnel
report-code-presence-military-vehicles = military vehicles
report-code-presence-heavy-weapons = heavy weapons
report-code-presence-fortification = fortifications
report-code-attribution-observer = the observer's assessment
report-code-attribution-location = by location (who held the ground)
report-code-attribution-details = as the details say
report-code-attribution-contested = ground contested: not attributed
report-code-attribution-none = no basis
report-code-confidence-low = low confidence
report-code-confidence-medium = medium confidence
report-code-confidence-high = high confidence
report-code-confidence-confirmed = confirmed
report-code-deadline-joint-commission = the joint commission's deadline
report-code-deadline-ministers = the ministers' deadline
report-code-deadline-advisory-board = the advisory board's opinion
report-code-deadline-commission-review = the commission's review
report-code-deadline-vote = the continuation vote closes
report-code-deadline-consultation = the guarantors' consultation
report-code-deadline-provisional = the window for disputes closes

report-col-site = Site
report-col-access = Access
report-col-absent = Absent against the declaration
report-col-held = Held (the monitors' word)
report-col-near = Violations nearby in the window (verified / reported)
report-site-undeclared = not declared
report-site-abandoned = found abandoned
report-absent-not-assessable = not assessable (no full access, or no declaration)
report-absent-none = everything declared was found
report-held-yes = held
report-held-no = did not hold
report-held-unknown = not said
report-windows-near = Beside the monitors' word, the violations the log records within { $km } km of each place during its window, cited.
report-window-time = from { $from } to { $to }
report-code-site-permanent-storage = permanent storage site
report-code-site-holding-area = holding area
report-code-access-granted = access granted
report-code-access-denied = access denied
report-code-access-partial = partial access
report-code-weapon-artillery = artillery
report-code-weapon-mortar = mortar
report-code-weapon-mlrs = MLRS
report-code-weapon-tank = tank
report-code-weapon-small-arms = small arms
report-code-weapon-anti-aircraft = anti-aircraft weapon
report-code-weapon-grenade-launcher = grenade launcher
report-code-weapon-drone = drone
report-code-weapon-missile = missile
report-code-weapon-undetermined = undetermined weapon
report-code-kind-new-mines = new mines
report-code-kind-minefield = minefield
report-code-kind-uxo = unexploded ordnance
report-code-kind-demining = demining
report-code-kind-warning-signs = mine warning signs
report-code-held-true = held
report-code-held-false = did not hold
