## The dashboard (issue 16): a few words to start from.

dashboard-title = Ceasefire monitoring dashboard
dashboard-language = Language
dashboard-updated = Updated { $time }
dashboard-no-data = No data yet.
