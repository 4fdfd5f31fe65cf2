# Fixture for cont import-auto (AUTO-07p demo lrz): the origin in rho
parnames = {1: 'rho', 2: 'beta', 3: 'sigma'}
unames = {1: 'x', 2: 'y', 3: 'z'}
NDIM = 3, ILP = 1, ISP = 2, IPLT = 0, NBC = 0, NINT = 0, NPR = 50, IID = 2, ITMX = 8, ITNW = 5, NWTN = 3, JAC = 0
EPSL = 1e-07, EPSU = 1e-07, EPSS = 1e-04
NTST = 35, NCOL = 4, IAD = 3
IPS = 1, IRS = 0, ISW = 1, ICP = ['rho'], MXBF = 10
NMX = 50, DS = 0.1, DSMIN = 0.01, DSMAX = 5, IADS = 1
UZSTOP = {'rho': [0, 30]}
