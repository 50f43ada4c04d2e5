## The daily, weekly and monthly report: accord-report writes these
## messages (report-*), in all three languages.
