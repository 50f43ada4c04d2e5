## dashboard
