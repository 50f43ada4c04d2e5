## `accord status`: the status as people read it (accord_engine::text).
## Entry indices and times are given as text: they are identifiers, not
## quantities, and are never grouped.

status-agreement = agreement { $hash }
status-log = log: { $size ->
    [one] { $size } entry
   *[other] { $size } entries
}; clock { $clock }
status-amended = amended: version { $version } ({ $hash }) judges from entry { $from } ({ $since })
status-not-applied = NOT APPLIED: the amendment at entry { $entry } to { $hash }: { $why }
status-adopted = adopted: { $time } (entry { $entry })
status-adopted-not-yet = adopted: not yet
status-reporting-period = reporting period: { $current } (last complete: { $last })

status-heading-phase = PHASE
status-heading-relief = RELIEF
status-heading-guarantees = GUARANTEES
status-heading-compliance = COMPLIANCE in the last complete period ({ $period })
status-heading-clocks = CLOCKS
status-heading-coverage = COVERAGE
status-heading-pending = PENDING CERTIFICATIONS
status-heading-refused = REFUSED ENTRIES
status-heading-ground = GROUND AS HELD (changes of control)
status-heading-refused-by-entry = REFUSED, BY ENTRY

status-phase-since = { $title } ({ $id }) since { $time } (entry { $entry })
status-phase = { $title } ({ $id })
status-phase-change = { $from } -> { $to } at entry { $entry } ({ $time }), certified in entries { $entries }

## The states of relief and guarantees, as the status shows them: the ones
## that call for attention in capitals.
status-tranche-pending = pending
status-tranche-in-force = IN FORCE
status-tranche-in-dispute = in dispute (snapback)
status-tranche-in-vote = in vote (continue relief?)
status-tranche-snapped-back = SNAPPED BACK
status-tranche-since = (since entry { $entry })
status-tranche-dispute = snapback opened by { $party } at entry { $entry }: commission until { $commission }, ministers until { $ministers }, vote until { $vote }; signed to continue: { $signers }
status-tranche-provisional = provisional until { $until }: its cause can still be disputed
status-tranche-last-change = last change: { $state } at entry { $entry } ({ $why }), statements { $entries }

status-guarantee-dormant = dormant
status-guarantee-triggered = TRIGGERED
status-guarantee-overdue = OVERDUE (no decision by the deadline)
status-guarantee-decided = decided
status-guarantee-triggered-by = ; triggered by entries { $entries } (known at { $time }, entry { $entry })
status-guarantee-triggered-at = ; triggered at { $time } (entry { $entry })
status-guarantee-due = ; decision due by { $due }
status-guarantee-decided-at = ; decided at entry { $entry }
status-guarantee-caused-by = ; caused by entries { $entries }
status-guarantee-provisional = ; provisional until { $until }
status-guarantee-decision = ; decision: { $text }

status-unattributed = { $count ->
    [one] { $count } report
   *[other] { $count } reports
} of the period attributed to no party, which would count if one were held responsible (entries { $entries })

## A party's result under a clause in the last complete period.
status-verdict-breach-verified = BREACH VERIFIED
status-verdict-overdue = OVERDUE: not verified as done
status-figure = { $metric } { $value }
status-figure-reported = { $metric } { $value } verified, { $reported } reported
status-not-verified = ; { $count ->
    [one] { $count } report
   *[other] { $count } reports
} not verified (entries { $entries })

## A party's record under a clause since it took effect.
status-history = since it took effect: { $parts }
status-history-breach = a verified breach in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-breach-last = a verified breach in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}, the last ending { $day }
status-history-overdue = overdue in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-allegations-pending = allegations pending in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-not-assessable = not assessable in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-no-verified-breach = no verified breach in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-fulfilled = fulfilled in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-not-yet-due = not yet due in { $count ->
    [one] { $count } period
   *[other] { $count } periods
}
status-history-revised = { $count ->
    [one] { $count } period
   *[other] { $count } periods
} revised by late reports

status-clock-zero = 0: its condition did not hold in the last period
status-clock = { $assessed }: held for { $days ->
    [one] { $days } consecutive period
   *[other] { $days } consecutive periods
}, { $assessed } of them with coverage (the clock counts those)

status-coverage = { $period }: { $zones } covered by { $organisations }
status-coverage-outside-zones = places outside every zone
status-coverage-none = { $period }: nothing covered: no verdict of that period rests on what the monitors saw
status-coverage-no-period = no period ended yet
status-coverage-since = since the adoption: { $covered } of { $periods ->
    [one] { $periods } period
   *[other] { $periods } periods
} with some coverage

status-observations = OBSERVATIONS: { $total } accepted, { $verified } verified, { $disputed } under dispute, { $withdrawn } withdrawn after a dispute, { $unattributed } unattributed

status-pending = { $what }: signed by { $signers }; waiting for { $waiting }
status-pending-transition = the move from { $from } to { $to } (transition { $id })
status-pending-transition-unknown = transition { $id }
status-pending-tranche = bringing into force { $title } (tranche { $id })
status-pending-snapback-notice = a snapback notice against { $title } (tranche { $id })
status-pending-continue-relief = continuing { $title } despite the snapback (tranche { $id })
status-pending-guarantee-decision = the decision on { $title } (guarantee { $id })

status-ground = { $area }: { $from } -> { $to } ({ $basis }), from { $time } (entry { $entries })
status-ground-no-holder = no single holder

status-refused-entry = entry { $entry }: { $why }
status-refused-more = and { $count } more (`accord audit` lists every one)
