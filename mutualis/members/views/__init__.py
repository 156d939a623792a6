"""Pages of the members app: the member space (/espace/) and the back-office (/back-office/adherents/)."""
