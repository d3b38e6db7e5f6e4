# The third-pass research harness of docs/forecasting.md ("Third pass"); numpy, outside the product.
# Research harness, pre-2020 data ONLY (rows dated >= 2019-12-30 are dropped right after reading).
import numpy as np, pandas as pd, math, os
R=6371008.8; LAT0=43.7065; LON0=-79.3967; X0=-19500.0; Y0=-13300.0; X1=22000.0; Y1=16400.0
EPOCH=pd.Timestamp("2013-12-30"); CUT=pd.Timestamp("2019-12-30")
F=os.path.join(os.path.dirname(os.path.abspath(__file__)),"../../../shared/data/toronto-mci/toronto_mci_occurred_to_2020.csv.gz")

TYPES=["Break and Enter","Auto Theft","Robbery","Assault","Theft Over"]
def load(c=150):
    d=pd.read_csv(F,dtype=str)
    d["date"]=pd.to_datetime(d["occurrencedate"].str[:10],format="%Y/%m/%d")
    d=d[(d["date"]>="2014-01-01")&(d["date"]<CUT)].reset_index(drop=True)
    lat=d["Lat"].astype(float).values; lon=d["Long"].astype(float).values
    x=R*math.cos(math.radians(LAT0))*np.radians(lon-LON0); y=R*np.radians(lat-LAT0)
    x=np.round(x,3); y=np.round(y,3)
    nx=int(math.ceil((X1-X0)/c)); cx=np.floor((x-X0)/c).astype(int); cy=np.floor((y-Y0)/c).astype(int)
    cell=cy*nx+cx
    wk=((d["date"]-EPOCH).dt.days.values//7)
    dow=((d["date"]-EPOCH).dt.days.values%7)
    return d,x,y,cell,wk,dow
class H:
    def __init__(s,c=150):
        d,x,y,cell,wk,dow=load(c)
        s.d=d; s.x=x; s.y=y; s.cellg=cell; s.wk=wk; s.dow=dow
        s.cells=np.unique(cell); s.u=np.searchsorted(s.cells,cell); s.U=len(s.cells)
        s.W=int(wk.max())+1
        s.type=d["MCI"].values
        s.firstwk=np.full(s.U,10**9); np.minimum.at(s.firstwk,s.u,wk)
    def counts(s,sel=None,weights=None):
        C=np.zeros((s.W,s.U),np.float64)
        m=np.ones(len(s.u),bool) if sel is None else sel
        w=np.ones(m.sum()) if weights is None else weights[m]
        np.add.at(C,(s.wk[m],s.u[m]),w)
        return C
    def decayed(s,C,Hh):
        # D[t] = sum_{a>=0} r^a C[t-1-a]; row t is the score for week t
        r=0.5**(1.0/Hh); D=np.zeros_like(C); acc=np.zeros(C.shape[1])
        for t in range(1,C.shape[0]):
            acc=acc*r+C[t-1]; D[t]=acc
        return D
    def window(s,C,Wn):
        cs=np.vstack([np.zeros((1,C.shape[1])),np.cumsum(C,0)])
        t=np.arange(C.shape[0]); lo=np.maximum(t-Wn,0)
        return cs[t]-cs[lo]
def week_of(date): return (pd.Timestamp(date)-EPOCH).days//7
SETS={"2016":"2016-01-04","2017":"2017-01-02","2018":"2018-01-01","2019":"2018-12-31"}
def evaluate(h,S,Y,start,testmask=False,nweeks=52,fr=(0.01,0.05)):
    """S,Y: (W,U). returns dict f->(n per week,N per week)."""
    s0=week_of(start)
    if testmask: m=h.firstwk<week_of("2019-12-30")
    else: m=h.firstwk<s0
    idx=np.nonzero(m)[0]; M=len(idx); ks=[math.ceil(f*M) for f in fr]
    out={f:([],[]) for f in fr}
    for t in range(s0,s0+nweeks):
        sc=np.round(S[t,idx],9); y=Y[t,idx]
        order=np.lexsort((idx,-sc))
        cy=np.cumsum(y[order])
        for f,k in zip(fr,ks):
            out[f][0].append(cy[k-1]); out[f][1].append(y.sum())
    return {f:(np.array(a),np.array(b)) for f,(a,b) in out.items()}
def hr(r): return {f:a.sum()/b.sum() for f,(a,b) in r.items()}
def boot(T=52):
    rng=np.random.default_rng(12345+T); idx=rng.integers(0,T,size=(1000,T))
    Wt=np.zeros((1000,T)); np.add.at(Wt,(np.arange(1000)[:,None],idx),1.0); return Wt
WT=boot()
def diff(ra,rb,f):
    na,N=ra[f]; nb,_=rb[f]
    d=(WT@na)/(WT@N)-(WT@nb)/(WT@N)
    return na.sum()/N.sum()-nb.sum()/N.sum(), np.percentile(d,2.5), np.percentile(d,97.5)
