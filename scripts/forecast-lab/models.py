from lab import *
h=H()
Yall=h.counts(); Ybe=h.counts(h.type=="Break and Enter")
def short(C,hh=1,amax=20):
    r=0.5**(1/hh); D=np.zeros_like(C)
    for a in range(amax+1):
        D[a+1:]+= (r**a)*C[:C.shape[0]-a-1]
    return D
def default(crime):
    if crime=="All": return h.decayed(Yall,156)+3*h.decayed(Yall,26)+3*short(Yall)
    return h.decayed(Ybe,260)+3*h.decayed(Ybe,4)+1e-4*h.decayed(Yall,260)
Y={"All":Yall,"Break and Enter":Ybe}
def run(crime,S,label="",base=None,sets=("2016","2017","2018","2019")):
    out=[]
    for k in sets:
        r=evaluate(h,S,Y[crime],SETS[k],testmask=(k=="2019"))
        hh=hr(r); line=f"{crime[:3]} {k} {label}: {hh[0.01]:.4f}/{hh[0.05]:.4f}"
        if base is not None:
            rb=base[k]
            for f in (0.01,0.05):
                d,lo,hi=diff(r,rb,f); line+=f"  d{int(f*100)} {d:+.4f}[{lo:+.4f},{hi:+.4f}]"
        out.append((k,r)); print(line)
    return dict(out)
