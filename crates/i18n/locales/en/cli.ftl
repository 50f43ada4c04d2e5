## The command line's own words: `accord demo`. Counts in the demo are
## given as text where no word agrees with them, so that they read as the
## tests and the data have them ("3077 rows").

cli-entry = entry
cli-simulated = SIMULATED
cli-demo-intro = accord demo: the built-in example, { $title }
cli-demo-agreement = agreement { $hash }, written to { $dir }
cli-demo-d-day = HYPOTHETICAL D-day: { $day } (00:00 Kyiv time, the Minsk II ceasefire's start by default), so that real events fall inside the agreement's life
cli-demo-simulated-note = every statement marked SIMULATED below is scripted by the demo: none of them happened
# What UCDP GED's events are: it records an event only when at least one
# person was killed.
cli-demo-ucdp = UCDP fatal events (UCDP GED: incidents of organised violence with at least one death)
cli-demo-imported = { $what }: { $file } ({ $rows } rows; { $events } events imported as { $reports } open-source reports signed by the OSINT importer key; left out: { $before } events that began before D-day, { $after } that ended after the data's last day)
cli-demo-imported-range = the UCDP fatal events imported run from { $first } to { $last } (the day the last one began, Kyiv time): the log stops at the end of { $last }, and nothing after it is evaluated
cli-demo-no-events = UCDP fatal events: none (give a UCDP GED CSV with --events; ../shared/data was not found), so the scripted statements alone

cli-demo-step-history = 1. Writing the history
cli-demo-step-log = 2. Writing them to a transparency log
cli-demo-step-audit = 3. Auditing it as an outsider would: the log, every signature, a replay of the evaluator against every status statement
cli-demo-step-report = 4. Writing the daily report of the day of the breach ({ $day })

cli-demo-refused = REFUSED ({ $why })
cli-demo-adoption = adoption, signed by Ukraine and the Russian Federation (D-day)
cli-demo-accredits = { $org } accredits its monitor no. 1
cli-demo-patrols = (from now on the Mission reports its patrols' coverage every day)
cli-demo-certifies-begin = { $who } certifies: begin the verification phase
cli-demo-prisoners = the Mission films the release of { $count } prisoners by { $by }
cli-demo-ua-certifies-verified = Ukraine certifies: ceasefire verified
cli-demo-others-certify-verified = the Mission and the United States certify it too
cli-demo-tranche-certified = Ukraine and the United States certify the first US relief tranche
cli-demo-howitzers = JCCC (Ukraine) sees four 152 mm howitzers at Horlivka, inside the withdrawal zone
cli-demo-denied = the Mission's patrol is denied passage near Siversk
cli-demo-impacts = the Mission's UAV films 24 artillery impacts in Kramatorsk (with video), assessed as fire by the Russian Federation
cli-demo-casualties = the Mission records 3 civilians killed and 11 injured there
cli-demo-guarantee-decision = Ukraine and four guarantors sign their decision on the collective-defence guarantee
cli-demo-continue-relief = the United States alone votes to continue relief (two are needed)

cli-demo-when-quiet = after 15 quiet days
cli-demo-when-verified = after 30 verified quiet days
cli-demo-when-breach = the day after the breach
cli-demo-when-vote = after the snapback vote
cli-demo-phase = -- { $when } ({ $time }): phase { $phase }; relief: { $relief }; guarantee: { $guarantee }{ $causes }
cli-demo-triggered-by = ; { $id } triggered by entries { $entries }

cli-demo-more-days = ... and { $count } more days of the operator's daily status statements, with the UCDP fatal events of those days as open-source reports
cli-demo-log-ends = the log ends at { $time } (its last status statement); the last reporting period it evaluates is { $period }{ $left }
cli-demo-left-out = ; { $count } open-source reports issued after it left out
cli-demo-entries = { $count } entries in all, { $imported } of them open-source reports of UCDP fatal events (real); the others are the demo's own (SIMULATED, or the operator's status statements)
cli-demo-log-written = { $dir } (C2SP tlog-tiles, signed by the operator's log key that the agreement names)

cli-demo-where = Where to look:
cli-demo-where-report = { $file }   the report (open it in a browser); every figure links to a log entry and its proof
cli-demo-where-agreement = { $dir }/agreement.toml and its README   the agreement, clause by clause
cli-demo-where-verify = (or any C2SP verifier, such as tlogcheck)

cli-entries = entries
cli-demo-routine = { $count } routine reports over { $days ->
    [one] { $days } day
   *[other] { $days } days
}: crossings and their queues, fire heard by the Mission (charged to no one), demining, windows of silence, storage visits{ $allegations ->
    [yes] , one side's reports of the other's fire
   *[no] {""}
}

## What the demo's scripted history says of its full days (accord_example::history).
cli-demo-h-declare-ua = Ukraine declares its storage sites and their inventories (two sites, serial numbers for the artillery and rocket launchers)
cli-demo-h-declare-ru = the Russian Federation declares its storage sites and their inventories (two sites)
cli-demo-h-horlivka-fire = the Mission's UAV sees artillery and rocket fire and tank muzzle flashes near Horlivka, assessed as fire by the Russian Federation
cli-demo-h-lysychansk-fire = the Mission's patrol hears small-arms, anti-aircraft and grenade-launcher fire near Lysychansk, origin undetermined
cli-demo-h-mariupol-flares = the Mission's camera near Mariupol records flares and two drone strikes
cli-demo-h-kupiansk-craters = satellite imagery shows five fresh craters in the Kupiansk disengagement area
cli-demo-h-avdiivka-mortar = JCCC (Russian officers) report mortar fire near Avdiivka, charged to Ukraine (not verified by their report alone)
cli-demo-h-zaporizhzhia-missile = open sources report a missile strike on Zaporizhzhia (reported, not verified)
cli-demo-h-horlivka-howitzers = the Mission's UAV sees two 152 mm towed howitzers near Horlivka, inside the withdrawal zone
cli-demo-h-zaporizhzhia-tanks = the Mission sees three tanks near Zaporizhzhia, beyond the withdrawal lines but outside storage
cli-demo-h-pavlohrad-absent = the Mission visits Pavlohrad storage: one howitzer (UA-2S1-0103) and two Grad launchers absent
cli-demo-h-rovenky-denied = the Mission is denied access to Rovenky storage: nothing can be said of what is there
cli-demo-h-huliaipole-armed = the Mission sees six armed men in the Huliaipole disengagement area
cli-demo-h-horlivka-company = the Mission's UAV sees a motorised company moving west in the security zone near Horlivka
cli-demo-h-chasiv-yar-mines = the Mission sees some 30 newly laid anti-tank mines near Chasiv Yar
cli-demo-h-avdiivka-uxo = the Mission sees two unexploded rockets near Avdiivka
cli-demo-h-starobilsk-signs = the Mission sees mine warning signs near Starobilsk
cli-demo-h-avdiivka-casualties = the Mission learns of two civilians injured by a mine near Avdiivka
cli-demo-h-shchastia-damage = the Mission sees a power line near Shchastia badly damaged
cli-demo-h-dfs-window-held = the window of silence for repairs to the Donetsk Filter Station held
cli-demo-h-shchastia-window-broken = the window of silence for repairs to the power line near Shchastia did not hold
cli-demo-h-siversk-queue = the Siversk crossing is open; 420 people and 150 vehicles queue, three hours' wait
cli-demo-h-orikhiv-restricted = the Orikhiv crossing is restricted: pedestrians only
cli-demo-h-toretsk-closed = the Toretsk crossing is closed
cli-demo-h-lysychansk-jammed = the Mission's UAV is jammed near Lysychansk
cli-demo-h-orikhiv-held = the Mission's patrol is held at a checkpoint near Orikhiv for 50 minutes
