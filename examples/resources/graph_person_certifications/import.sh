# Import every certification of a list of users (comma-separated object ids,
# userPrincipalNames or "me"); each becomes an entry keyed "<user_id>/<certification id>".
terraform import graph_person_certifications.hr 'megan.bowen@contoso.com,me'
