"""The education demo's data: FICTITIOUS collèges and écoles (invented names marked « fictif », UAI codes that merely
pass the key check) in real communes of the demo territory, owned by the demo départements and communes; the ENT
resources; the four projects of the year; the devices lent."""

# (UAI number, name, commune INSEE code, pupils, classes, pupils with a recognised disability).
COLLEGES = [
    ("0781901", "Collège Les Tilleuls (fictif)", "78646", 620, 24, 9),
    ("0781902", "Collège du Parc (fictif)", "78423", 540, 21, 7),
    ("0781903", "Collège des Sablons (fictif)", "78640", 480, 18, 6),
    ("0921901", "Collège Seine-et-Forêt (fictif)", "92012", 710, 27, 11),
    ("0921902", "Collège Jean-Monnet (fictif)", "92023", 820, 30, 14),
    ("0921903", "Collège de l'Orangerie (fictif)", "92048", 450, 17, 5),
]
SCHOOLS = [
    ("0781911", "École élémentaire du Parc (fictive)", "78646", 260, 10),
    ("0781912", "École maternelle des Sources (fictive)", "78423", 150, 6),
    ("0921911", "École élémentaire Billancourt (fictive)", "92012", 310, 12),
    ("0921912", "École élémentaire du Petit-Clamart (fictive)", "92023", 280, 11),
    ("0921913", "École maternelle Rabelais (fictive)", "92048", 120, 5),
]
# (publisher, title, description, audience).
RESOURCES = [
    (
        "Enseigno",
        "Enseigno — soutien scolaire en ligne",
        "Cours particuliers en visioconférence et exercices corrigés, du CP à la terminale.",
        "pupils",
    ),
    (
        "Playbac Presse",
        "Mon Quotidien et L'Actu — presse quotidienne numérique",
        "Un quotidien d'actualité adapté à chaque âge, lu en classe et à la maison.",
        "all",
    ),
    (
        "Madmagz",
        "Madmagz — création de magazines",
        "Les élèves écrivent et mettent en page un magazine, imprimé ou publié en ligne.",
        "all",
    ),
]
# (title, theme, description, eligible classes, capacity, kit description, kit kind, open now).
PROJECTS = [
    (
        "Robotyc",
        "Le robot écolo : trieur de déchets",
        "Programmer un robot qui trie les déchets, de la conception au concours final entre collèges.",
        "3e, dont ULIS, UPE2A et SEGPA",
        6,
        "Kit robotique programmable (capteurs, moteurs)",
        "robot",
        True,
    ),
    (
        "Sur les chemins de l'école",
        "Raconter son arrivée",
        "Un journal numérique écrit par des élèves allophones nouvellement arrivés.",
        "UPE2A",
        4,
        "Tablettes de reportage",
        "tablet",
        False,
    ),
    (
        "Défi'Bot",
        "Parcours d'obstacles",
        "Un défi de robotique entre collèges des deux départements.",
        "4e et 3e",
        8,
        "Kit robotique de compétition",
        "robot",
        False,
    ),
    (
        "Imagine ton collège",
        "Le foyer des élèves",
        "Concevoir en 3D un espace du collège et en imprimer la maquette en 3D.",
        "5e et 4e",
        5,
        "Ordinateur portable avec logiciel de modélisation 3D",
        "laptop",
        False,
    ),
]
# (département code, kind, designation, count).
DEVICES = [
    ("78", "laptop", "Ordinateur portable 14 pouces (démo)", 12),
    ("78", "tablet", "Tablette 10 pouces (démo)", 6),
    ("78", "robot", "Kit robotique programmable (démo)", 4),
    ("78", "robot", "Robot de téléprésence (démo)", 1),
    ("92", "tablet", "Tablette 10 pouces (démo)", 14),
    ("92", "laptop", "Ordinateur portable 14 pouces (démo)", 4),
    ("92", "robot", "Kit robotique programmable (démo)", 4),
    ("92", "robot", "Robot de téléprésence (démo)", 1),
]
