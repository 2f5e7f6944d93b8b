# A certification is imported by "<user_id>/<certification id>", where user_id is an
# object id, a userPrincipalName or "me".
terraform import graph_person_certification.example me/0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f
